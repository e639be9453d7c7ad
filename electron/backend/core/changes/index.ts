// The change sets feature's public surface (docs/ARCHITECTURE.md "Change sets").
export * from './change-sets'
export * from './change-set-reads'
