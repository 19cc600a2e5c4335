// operator/ still imports this from config/; its home is constructs/limits.ts.
export * from '../constructs/limits';
