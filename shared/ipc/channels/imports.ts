// Channels of the CSV and SFTP imports (issue 3 and 5). Spread into the contract in ../contract.ts.

export const importChannels = {} as const
