/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [],
  options: {
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    enhancedResolveOptions: {
      conditionNames: ['@groundwork/source', 'import', 'default', 'types'],
      extensions: ['.ts', '.js'],
    },
  },
};
