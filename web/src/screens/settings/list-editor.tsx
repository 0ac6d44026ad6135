// Edits a list of short strings (subjects, themes): chips with « Retirer » and an add field.
import { useState } from 'preact/hooks';

interface Props {
  id: string;
  label: string;
  items: string[];
  onChange: (items: string[]) => void;
  error?: string;
}

export function ListEditor({ id, label, items, onChange, error }: Props) {
  const [text, setText] = useState('');
  function add() {
    const v = text.trim();
    if (!v) return;
    if (!items.some((x) => x.toLowerCase() === v.toLowerCase())) onChange([...items, v]);
    setText('');
  }
  return (
    <fieldset class={'list-editor' + (error ? ' field--error' : '')} data-testid={id} aria-describedby={error ? id + '-error' : undefined}>
      <legend>{label}</legend>
      {items.length === 0 ? (
        <p class="hint">Aucune pour l’instant.</p>
      ) : (
        <ul class="chips">
          {items.map((it) => (
            <li class="chip">
              <span>{it}</span>
              <button type="button" class="btn btn--small btn--ghost" onClick={() => onChange(items.filter((x) => x !== it))}>
                Retirer<span class="visually-hidden"> {it}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="inline-add">
        <div class="field">
          <label for={id + '-new'}>Ajouter</label>
          <input id={id + '-new'} type="text" maxLength={100} value={text} onInput={(e) => setText(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                add();
              }
            }} />
        </div>
        <button type="button" class="btn btn--small" onClick={add}>
          Ajouter<span class="visually-hidden"> à « {label} »</span>
        </button>
      </div>
      {error && (
        <p class="field-error" id={id + '-error'} data-testid="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
