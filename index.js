// n8n reads the package.json "n8n" section to find nodes and credentials; nothing to export here.
module.exports = {};
