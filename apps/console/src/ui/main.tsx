import { render } from 'preact';

const root = document.getElementById('app');
if (root !== null) render(<main><h1>syslog-connector</h1></main>, root);
