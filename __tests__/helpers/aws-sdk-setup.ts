// The AWS SDK warns that its 2027 releases will need Node.js 22; the tests pin a 2026 release.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
