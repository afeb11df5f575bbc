export { __CAMEL__Transport, __PASCAL__Transport } from './transport.js';
export { __CAMEL__Transport as default } from './transport.js';
