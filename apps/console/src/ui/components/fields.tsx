import type { ComponentChildren, Ref } from 'preact';
import { useId } from 'preact/hooks';

/** `aria-describedby` from the ids that exist (a hint, an error), or nothing. */
const describedBy = (...ids: (string | false | undefined)[]): string | undefined => {
  const list = ids.filter((id): id is string => typeof id === 'string');
  return list.length === 0 ? undefined : list.join(' ');
};

/** The ARIA a control of a field carries: its id, invalid when it has errors, described by its hint and errors. */
interface ControlAria {
  readonly id: string;
  readonly 'aria-invalid': 'true' | undefined;
  readonly 'aria-describedby': string | undefined;
}

interface FieldFrameProps {
  readonly label: string;
  readonly hint: ComponentChildren | undefined;
  readonly errors: readonly string[];
  /** The control, given the attributes that tie it to its label, hint and errors. */
  readonly children: (aria: ControlAria) => ComponentChildren;
}

/**
 * One field: its label, its hint, the control, and the field's messages under it, read with it
 * (`aria-describedby`) while the control is `aria-invalid`.
 */
const FieldFrame = ({ label, hint, errors, children }: FieldFrameProps) => {
  const id = useId();
  const aria: ControlAria = {
    id,
    'aria-invalid': errors.length > 0 ? 'true' : undefined,
    'aria-describedby': describedBy(hint !== undefined && `${id}-hint`, errors.length > 0 && `${id}-error`),
  };
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint === undefined ? null : (
        <p id={`${id}-hint`} class="hint">
          {hint}
        </p>
      )}
      {children(aria)}
      {errors.length === 0 ? null : (
        <p id={`${id}-error`} class="field-error">
          {errors.join(' ')}
        </p>
      )}
    </div>
  );
};

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
}

export const TextField = ({ label, value, onInput, type = 'text', hint, errors = [], autoComplete, inputMode, required, inputRef }: TextFieldProps) => (
  <FieldFrame label={label} hint={hint} errors={errors}>
    {(aria) => (
      <input
        {...aria}
        {...(inputRef === undefined ? {} : { ref: inputRef })}
        // Preact 11 types <input> as one union member per `type`; a union-typed prop matches none of them alone.
        type={type as 'text'}
        value={value}
        onInput={(event) => onInput(event.currentTarget.value)}
        autocomplete={autoComplete ?? 'off'}
        spellcheck={false}
        {...(inputMode === undefined ? {} : { inputMode })}
        {...(required === true ? { required: true, 'aria-required': 'true' } : {})}
      />
    )}
  </FieldFrame>
);

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

export const SelectField = <T extends string>({ label, value, options, onChange, hint, errors = [] }: SelectFieldProps<T>) => (
  <FieldFrame label={label} hint={hint} errors={errors}>
    {(aria) => (
      <select {...aria} value={value} onChange={(event) => onChange(event.currentTarget.value as T)}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    )}
  </FieldFrame>
);

interface FileFieldProps {
  readonly label: string;
  readonly onFile: (text: string, name: string) => void;
  readonly hint?: ComponentChildren;
  readonly errors?: readonly string[];
  readonly accept?: string;
}

/** A PEM file chosen from disk, read as text in the browser and handed on (it is uploaded, never kept here). */
export const FileField = ({ label, onFile, hint, errors = [], accept = '.pem,.crt,.cer,.key,application/x-pem-file,text/plain' }: FileFieldProps) => (
  <FieldFrame label={label} hint={hint} errors={errors}>
    {(aria) => (
      <input
        {...aria}
        type="file"
        accept={accept}
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          if (file !== undefined) void file.text().then((text) => onFile(text, file.name));
        }}
      />
    )}
  </FieldFrame>
);

interface CheckboxProps {
  readonly label: string;
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
  readonly disabled?: boolean;
  readonly controls?: string;
}

export const Checkbox = ({ label, checked, onChange, disabled, controls }: CheckboxProps) => {
  const id = useId();
  return (
    <div class="checkbox">
      <input id={id} type="checkbox" checked={checked} disabled={disabled} onChange={(event) => onChange(event.currentTarget.checked)} {...(controls === undefined ? {} : { 'aria-controls': controls })} />
      <label for={id}>{label}</label>
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
      {errors.length === 0 ? null : (
        <p id={`${groupId}-error`} class="field-error">
          {errors.join(' ')}
        </p>
      )}
    </fieldset>
  );
};

/**
 * Checkboxes under a ticked parent (a data type's levels or log types): each toggles its value in `selected`,
 * keeping the offered order; disabled while the parent is unticked.
 */
export const SubChoices = <T extends string>({
  id,
  legend,
  options,
  selected,
  enabled,
  errors,
  onChange,
}: {
  readonly id: string;
  readonly legend: string;
  readonly options: readonly { readonly value: T; readonly label: string }[];
  readonly selected: readonly T[];
  readonly enabled: boolean;
  readonly errors: readonly string[];
  readonly onChange: (value: T, on: boolean) => void;
}) => (
  <FieldGroup id={id} legend={legend} errors={errors}>
    {options.map((option) => (
      <Checkbox key={option.value} label={option.label} checked={selected.includes(option.value)} disabled={!enabled} onChange={(on) => onChange(option.value, on)} />
    ))}
  </FieldGroup>
);
