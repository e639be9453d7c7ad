// The signal that a count stopped because a newer one was asked (between conditions in the engine, or
// part-way through a SQL fallback statement): the worker answers it "superseded".
export class Superseded extends Error {}
