import { useState } from 'react';
import type { SavedKind, SavedMessage } from '../../ui/saved-messages.js';
import { deleteSavedMessage, loadSavedMessages, saveMessage } from '../../ui/saved-messages.js';

/** Pick, save and delete named messages for the connection's endpoint (kept in localStorage). */
export function SavedMessages({
  url,
  current,
  onPick,
}: {
  url: string;
  current: { kind: SavedKind; payload: string } | null;
  onPick: (message: SavedMessage) => void;
}) {
  const [saved, setSaved] = useState(() => loadSavedMessages(localStorage, url));
  const [picked, setPicked] = useState('');
  const [name, setName] = useState('');

  const pick = (value: string) => {
    setPicked(value);
    const message = saved.find((m) => m.name === value);
    if (message) {
      setName(message.name);
      onPick(message);
    }
  };

  return (
    <span className="saved-messages" role="group" aria-label="Saved messages">
      <select
        aria-label="Saved message"
        data-testid="saved-select"
        value={picked}
        onChange={(e) => pick(e.target.value)}
      >
        <option value="">{saved.length ? `Saved (${saved.length})…` : 'No saved messages'}</option>
        {saved.map((m) => (
          <option key={m.name} value={m.name}>
            {m.name} ({m.kind})
          </option>
        ))}
      </select>
      <input
        type="text"
        aria-label="Name to save the message as"
        data-testid="saved-name"
        className="saved-name"
        placeholder="name"
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <button
        type="button"
        data-testid="saved-save"
        disabled={!current || name.trim() === ''}
        title="Save the message for this endpoint"
        onClick={() => {
          if (!current) return;
          setSaved(saveMessage(localStorage, url, { name: name.trim(), ...current }));
          setPicked(name.trim());
        }}
      >
        Save
      </button>
      <button
        type="button"
        data-testid="saved-delete"
        disabled={picked === ''}
        onClick={() => {
          setSaved(deleteSavedMessage(localStorage, url, picked));
          setPicked('');
        }}
      >
        Delete
      </button>
    </span>
  );
}
