import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectToCore } from './api/connect-to-core.js';
import { App } from './components/App.js';
import { createInspectorStore } from './store/create-store.js';
import { prepareSessionReaders } from './store/session-file-ingest.js';
import { StoreProvider } from './ui/store-context.js';
import './styles.css';

const core = connectToCore(window);
const store = createInspectorStore(core.api, { link: core, shell: core.shell });
void store.start();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <StoreProvider store={store}>
        <App />
      </StoreProvider>
    </StrictMode>,
  );
}

// The readers for the first session file load alongside the page (each opening starts those for the next).
prepareSessionReaders();
