export { FileSink } from './file-sink.js';
