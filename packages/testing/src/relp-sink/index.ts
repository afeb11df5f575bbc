export { RelpSink, sendOverRelp, type RelpReceivedMessage, type RelpSinkFrame, type RelpSinkOptions } from './relp-sink.js';
