// A time zone picker: a text input with the IANA names as suggestions (datalist).
import { timeZones } from '../lib/timezones';

interface Props {
  id: string;
  value: string;
  onInput: (v: string) => void;
  describedBy?: string;
  invalid?: boolean;
}

export function TimeZoneInput({ id, value, onInput, describedBy, invalid }: Props) {
  return (
    <>
      <input id={id} type="text" list={id + '-list'} autocomplete="off" spellcheck={false} value={value}
        onInput={(e) => onInput(e.currentTarget.value)} aria-describedby={describedBy} aria-invalid={invalid || undefined} />
      <datalist id={id + '-list'}>
        {timeZones(value).map((z) => (
          <option value={z} />
        ))}
      </datalist>
    </>
  );
}
