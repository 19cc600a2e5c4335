// operator/ still imports this from config/; its home is constructs/credentials-document.ts.
export * from '../constructs/credentials-document';
