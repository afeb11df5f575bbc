export { __CAMEL__Source, __PASCAL__Source } from './source.js';
export { __CAMEL__Source as default } from './source.js';
