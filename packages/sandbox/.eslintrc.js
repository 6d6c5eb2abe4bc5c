module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // A private development tool run from the repository: it finds its own files
    // (CRDs, build script) next to its sources, which Backstage's rule against
    // __dirname (meant for published packages) does not allow.
    'no-restricted-syntax': 'off',
  },
});
