import type { ComponentChildren, Ref } from 'preact';
import { useId } from 'preact/hooks';

/** `aria-describedby` from the ids that exist (a hint, an error), or nothing. */
const describedBy = (...ids: (string | false | undefined)[]): string | undefined => {
  const list = ids.filter((id): id is string => typeof id === 'string');
  return list.length === 0 ? undefined : list.join(' ');
};

/** The messages of a field, shown under it and read with it (`aria-describedby`); the control is `aria-invalid`. */
const FieldErrors = ({ id, errors }: { readonly id: string; readonly errors: readonly string[] }) =>
  errors.length === 0 ? null : (
    <p id={id} class="field-error">
      {errors.join(' ')}
    </p>
  );

interface TextFieldProps {
  readonly label: string;
  readonly value: string;
  readonly onInput: (value: string) => void;
  readonly type?: 'text' | 'password' | 'url';
  readonly hint?: ComponentChildren;
  readonly errors?: readonly string[];
  readonly autoComplete?: string;
  readonly inputMode?: 'numeric' | 'text' | 'url';
  readonly required?: boolean;
  readonly inputRef?: Ref<HTMLInputElement>;
  readonly placeholder?: string;
  readonly spellcheck?: boolean;
}

export const TextField = ({ label, value, onInput, type = 'text', hint, errors = [], autoComplete, inputMode, required, inputRef, placeholder, spellcheck }: TextFieldProps) => {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint === undefined ? null : (
        <p id={`${id}-hint`} class="hint">
          {hint}
        </p>
      )}
      <input
        id={id}
        {...(inputRef === undefined ? {} : { ref: inputRef })}
        // Preact 11 types <input> as one union member per `type`; a union-typed prop matches none of them alone.
        type={type as 'text'}
        value={value}
        onInput={(event) => onInput(event.currentTarget.value)}
        aria-invalid={errors.length > 0 ? 'true' : undefined}
        aria-describedby={describedBy(hint !== undefined && `${id}-hint`, errors.length > 0 && `${id}-error`)}
        autocomplete={autoComplete ?? 'off'}
        spellcheck={spellcheck ?? false}
        {...(inputMode === undefined ? {} : { inputMode })}
        {...(required === true ? { required: true, 'aria-required': 'true' } : {})}
        {...(placeholder === undefined ? {} : { placeholder })}
      />
      <FieldErrors id={`${id}-error`} errors={errors} />
    </div>
  );
};

interface SecretFieldProps {
  readonly label: string;
  /** Whether the daemon has one (it never sends the value). */
  readonly set: boolean;
  readonly value: string;
  readonly onInput: (value: string) => void;
  readonly errors?: readonly string[];
  readonly what: string;
}

/** A write-only secret: the page shows only whether one is set; typing replaces it on Save, empty keeps it. */
export const SecretField = ({ label, set, value, onInput, errors = [], what }: SecretFieldProps) => (
  <TextField
    label={label}
    type="password"
    value={value}
    onInput={onInput}
    errors={errors}
    autoComplete="new-password"
    hint={
      set ? (
        <>
          <span class="badge badge-ok">Set</span> Type a new {what} to replace it; leave empty to keep it. It is never shown again.
        </>
      ) : (
        <>
          <span class="badge badge-warn">Not set</span> Paste the {what}. It is stored on the server, never shown again.
        </>
      )
    }
  />
);

interface SelectFieldProps<T extends string> {
  readonly label: string;
  readonly value: T;
  readonly options: readonly { readonly value: T; readonly label: string }[];
  readonly onChange: (value: T) => void;
  readonly hint?: ComponentChildren;
  readonly errors?: readonly string[];
}

export const SelectField = <T extends string>({ label, value, options, onChange, hint, errors = [] }: SelectFieldProps<T>) => {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint === undefined ? null : (
        <p id={`${id}-hint`} class="hint">
          {hint}
        </p>
      )}
      <select
        id={id}
        value={value}
        onChange={(event) => onChange(event.currentTarget.value as T)}
        aria-invalid={errors.length > 0 ? 'true' : undefined}
        aria-describedby={describedBy(hint !== undefined && `${id}-hint`, errors.length > 0 && `${id}-error`)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldErrors id={`${id}-error`} errors={errors} />
    </div>
  );
};

interface CheckboxProps {
  readonly label: string;
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
  readonly disabled?: boolean;
  readonly describedById?: string;
  readonly controls?: string;
}

export const Checkbox = ({ label, checked, onChange, disabled, describedById, controls }: CheckboxProps) => {
  const id = useId();
  return (
    <div class="checkbox">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={(event) => onChange(event.currentTarget.checked)}
        {...(describedById === undefined ? {} : { 'aria-describedby': describedById })}
        {...(controls === undefined ? {} : { 'aria-controls': controls })}
      />
      <label for={id}>{label}</label>
    </div>
  );
};

interface FileFieldProps {
  readonly label: string;
  readonly onFile: (text: string, name: string) => void;
  readonly hint?: ComponentChildren;
  readonly errors?: readonly string[];
  readonly accept?: string;
}

/** A PEM file chosen from disk, read as text in the browser and handed on (it is uploaded, never kept here). */
export const FileField = ({ label, onFile, hint, errors = [], accept = '.pem,.crt,.cer,.key,application/x-pem-file,text/plain' }: FileFieldProps) => {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint === undefined ? null : (
        <p id={`${id}-hint`} class="hint">
          {hint}
        </p>
      )}
      <input
        id={id}
        type="file"
        accept={accept}
        aria-invalid={errors.length > 0 ? 'true' : undefined}
        aria-describedby={describedBy(hint !== undefined && `${id}-hint`, errors.length > 0 && `${id}-error`)}
        onChange={(event) => {
          const input = event.currentTarget;
          const file = input.files?.[0];
          if (file === undefined) return;
          void file.text().then((text) => onFile(text, file.name));
        }}
      />
      <FieldErrors id={`${id}-error`} errors={errors} />
    </div>
  );
};

/** A group of controls with its name (`<fieldset>`/`<legend>`) and the group's own errors. */
export const FieldGroup = ({ legend, errors = [], children, id, hint }: { readonly legend: string; readonly errors?: readonly string[]; readonly children: ComponentChildren; readonly id?: string; readonly hint?: ComponentChildren }) => {
  const ownId = useId();
  const groupId = id ?? ownId;
  return (
    <fieldset id={groupId} class="group" aria-describedby={describedBy(hint !== undefined && `${groupId}-hint`, errors.length > 0 && `${groupId}-error`)}>
      <legend>{legend}</legend>
      {hint === undefined ? null : (
        <p id={`${groupId}-hint`} class="hint">
          {hint}
        </p>
      )}
      {children}
      <FieldErrors id={`${groupId}-error`} errors={errors} />
    </fieldset>
  );
};
