export { Connector, type ConnectorStatus } from './connector.js';
export { validateDocument, loadConnectorConfig, buildRegistry } from './config/load-connector-config.js';
export { createContainer, ids, toId } from './container/create-container.js';
export { builtinPlugins } from './plugins/builtin-plugins.js';
export { loadPluginPackages } from './plugins/load-plugin-packages.js';
export { testEvent } from './commands/send-test-command.js';
