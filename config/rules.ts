// operator/ still imports this from config/; its home is constructs/rules.ts.
export * from '../constructs/rules';
