/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { runPage, type PageFile, type PageOption, type PageRequest, type PageWindows } from './page-run.js';

// The browser page: reads the form, runs the core in memory (page-run.ts) and shows the
// result. No request leaves the page: files are read with File.arrayBuffer(), downloads are
// blob: URLs.

/** Files ending like a linker script go to the windows, everything else is firmware. */
const LINKER_SCRIPT = /\.(ld|lds|x|xn|xbn|lnk)$/i;

interface Input {
  readonly file: PageFile;
  address: string;
}

const inputs: Input[] = [];
let scripts: PageFile[] = [];
let urls: string[] = [];

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
};

async function read(file: File): Promise<PageFile> {
  return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
}

async function addFiles(files: Iterable<File>): Promise<void> {
  for (const file of files) {
    const read_ = await read(file);
    if (LINKER_SCRIPT.test(file.name)) addScripts([read_]);
    else inputs.push({ file: read_, address: '' });
  }
  showInputs();
  run();
}

function addScripts(files: readonly PageFile[]): void {
  scripts = [...scripts.filter((s) => !files.some((f) => f.name === s.name)), ...files];
  const select = byId<HTMLSelectElement>('ld-script');
  const chosen = select.value;
  select.replaceChildren(...scripts.map((s) => new Option(s.name, s.name)));
  // The main script is the one no other file INCLUDEs, unless the user chose one.
  const included = (name: string) => scripts.some((s) => new RegExp(`INCLUDE\\s+"?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?`).test(new TextDecoder().decode(s.bytes)));
  select.value = scripts.some((s) => s.name === chosen) ? chosen : (scripts.find((s) => !included(s.name))?.name ?? scripts[0]?.name ?? '');
  const ld = document.querySelector<HTMLInputElement>('input[name="windows"][value="ld"]');
  if (ld && files.length > 0) ld.checked = true;
  showWindowSource();
}

function showInputs(): void {
  const list = byId<HTMLUListElement>('input-list');
  list.replaceChildren(
    ...inputs.map((input, i) => {
      const item = document.createElement('li');
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = `${input.file.name} (${input.file.bytes.length.toLocaleString('en')} bytes)`;
      item.append(name);
      const label = document.createElement('label');
      label.textContent = 'load address if raw binary ';
      const address = document.createElement('input');
      address.type = 'text';
      address.spellcheck = false;
      address.placeholder = /\.bin$/i.test(input.file.name) ? '0x08000000 (needed)' : 'not a BIN';
      address.value = input.address;
      address.id = `address-${i}`;
      address.addEventListener('change', () => {
        input.address = address.value;
        run();
      });
      label.htmlFor = address.id;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.textContent = 'Remove';
      remove.setAttribute('aria-label', `Remove ${input.file.name}`);
      remove.addEventListener('click', () => {
        inputs.splice(i, 1);
        showInputs();
        run();
      });
      item.append(label, address, remove);
      return item;
    }),
  );
}

function windowChoice(): PageWindows {
  const from = document.querySelector<HTMLInputElement>('input[name="windows"]:checked')?.value ?? 'default';
  const lines = (id: string) => byId<HTMLTextAreaElement>(id).value.split('\n');
  if (from === 'regions') return { from, regions: lines('regions') };
  if (from === 'ld') return { from, script: byId<HTMLSelectElement>('ld-script').value, files: scripts, regions: [byId<HTMLInputElement>('ld-regions').value] };
  if (from === 'dfuse') return { from, layout: byId<HTMLInputElement>('dfuse-layout').value };
  return { from: 'default' };
}

function showWindowSource(): void {
  const from = document.querySelector<HTMLInputElement>('input[name="windows"]:checked')?.value ?? 'default';
  for (const element of document.querySelectorAll<HTMLElement>('[data-windows]')) element.hidden = element.dataset.windows !== from;
}

function showFormatOptions(): void {
  const format = byId<HTMLSelectElement>('format').value;
  for (const element of document.querySelectorAll<HTMLElement>('[data-format]')) element.hidden = !(element.dataset.format ?? '').split(' ').includes(format);
}

function request(): PageRequest {
  const format = byId<HTMLSelectElement>('format').value;
  const options: Partial<Record<PageOption, string>> = {};
  for (const element of document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-option]')) {
    const field = element.closest('[data-format]') as HTMLElement | null;
    // Options of another format are not given, as on a command line for this format.
    if (field && !(field.dataset.format ?? '').split(' ').includes(format)) continue;
    options[element.dataset.option as PageOption] = element.value;
  }
  return {
    inputs: inputs.map((i) => ({ file: i.file, address: i.address })),
    windows: windowChoice(),
    format,
    split: format === 'bin' && byId<HTMLInputElement>('split').checked,
    options,
    padWindows: byId<HTMLInputElement>('pad-window').value.split(',').map((s) => s.trim()).filter((s) => s !== ''),
    fillGaps: byId<HTMLInputElement>('fill-gaps').checked,
    checksums: byId<HTMLTextAreaElement>('crc').value.split('\n'),
  };
}

function run(): void {
  const status = byId('status');
  const error = byId('error');
  const downloads = byId('downloads');
  for (const url of urls) URL.revokeObjectURL(url);
  urls = [];
  if (inputs.length === 0) {
    status.textContent = 'Choose a firmware file to start.';
    error.hidden = true;
    downloads.replaceChildren();
    byId('summary').textContent = '';
    byId('report').replaceChildren();
    return;
  }
  const result = runPage(request());
  downloads.replaceChildren(
    ...result.downloads.map((d) => {
      const url = URL.createObjectURL(new Blob([d.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
      urls.push(url);
      const link = document.createElement('a');
      link.href = url;
      link.download = d.name;
      link.className = 'download';
      link.textContent = `Download ${d.name}`;
      link.title = `${d.title}, ${d.bytes.length.toLocaleString('en')} bytes`;
      const size = document.createElement('span');
      size.textContent = ` ${d.title}, ${d.bytes.length.toLocaleString('en')} bytes`;
      link.append(size);
      return link;
    }),
  );
  if (result.ok) {
    status.textContent = `Converted: ${result.downloads.length - 2} image file${result.downloads.length === 3 ? '' : 's'} ready.`;
    error.hidden = true;
    byId('summary').textContent = result.summary.join('\n');
    // The fragment is built from escaped text by report/html-report.ts.
    byId('report').innerHTML = result.report;
  } else {
    status.textContent = 'Not converted.';
    error.hidden = false;
    error.textContent = result.error;
    byId('summary').textContent = '';
    byId('report').replaceChildren();
  }
}

function start(): void {
  const files = byId<HTMLInputElement>('files');
  files.addEventListener('change', () => {
    void addFiles(files.files ?? []).then(() => (files.value = ''));
  });
  const ldFiles = byId<HTMLInputElement>('ld-files');
  ldFiles.addEventListener('change', () => {
    void Promise.all([...(ldFiles.files ?? [])].map(read)).then((read_) => {
      addScripts(read_);
      ldFiles.value = '';
      run();
    });
  });
  const drop = byId('drop');
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    void addFiles(event.dataTransfer?.files ?? []);
  });
  // A file dropped anywhere else must not make the browser open it and leave the page.
  window.addEventListener('dragover', (event) => event.preventDefault());
  window.addEventListener('drop', (event) => event.preventDefault());
  for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="windows"]')) {
    radio.addEventListener('change', () => {
      showWindowSource();
      run();
    });
  }
  byId('format').addEventListener('change', showFormatOptions);
  for (const element of document.querySelectorAll('main input:not([type="file"]), main select, main textarea')) element.addEventListener('change', run);
  byId('convert').addEventListener('click', run);
  showWindowSource();
  showFormatOptions();
}

start();
