// Image selection, decoding and the nearest-neighbour resize that defines every golden input.
// The Java side rebuilds these bytes and checks them against the SHA-256 recorded in the JSON,
// so everything here is integer arithmetic with no library resampling.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jpeg from 'jpeg-js';

const here = path.dirname(fileURLToPath(import.meta.url));

export const JPEG_DECODERS = {
  imageio: 'Java ImageIO (JDK JPEG reader), BufferedImage.getRGB -> R,G,B bytes, as facegate\'s model ImageDecoder; '
    + 'run by DecodeJpeg.java',
  'jpeg-js': 'jpeg-js 0.4.4 (formatAsRGBA=true, alpha dropped); differs from ImageIO in about 2/3 of the samples',
};

export const RESIZE_DEFINITION = 'nearest neighbour, per axis src = min(floor((dst + 0.5) * srcLen / dstLen), srcLen - 1), '
  + 'computed in integers as floor(((2 * dst + 1) * srcLen) / (2 * dstLen)); no aspect preservation, no padding; '
  + 'bytes hashed = resized uint8 RGB, HWC order (row-major, then column, then R,G,B)';

/** SHA-256 hex of a byte array. */
export function sha256(bytes) {
  return createHash('sha256').update(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).digest('hex');
}

/** Parses a binary PGM (P5, maxval <= 255) and replicates grey to RGB. */
export function decodePgm(buf) {
  let pos = 0;
  const tokens = [];
  // Header: magic, width, height, maxval, separated by whitespace, '#' comments allowed.
  while (tokens.length < 4) {
    while (pos < buf.length && /\s/.test(String.fromCharCode(buf[pos]))) pos++;
    if (buf[pos] === 0x23) {
      while (pos < buf.length && buf[pos] !== 0x0a) pos++;
      continue;
    }
    let tok = '';
    while (pos < buf.length && !/\s/.test(String.fromCharCode(buf[pos]))) tok += String.fromCharCode(buf[pos++]);
    tokens.push(tok);
  }
  pos++; // exactly one whitespace byte before the raster
  const [magic, w, h, maxval] = [tokens[0], Number(tokens[1]), Number(tokens[2]), Number(tokens[3])];
  if (magic !== 'P5' || !(maxval > 0 && maxval <= 255)) throw new Error(`unsupported PGM ${magic} maxval ${maxval}`);
  if (buf.length - pos < w * h) throw new Error('PGM raster truncated');
  const rgb = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const g = buf[pos + i];
    rgb[3 * i] = g;
    rgb[3 * i + 1] = g;
    rgb[3 * i + 2] = g;
  }
  return { width: w, height: h, rgb };
}

/** Decodes JPEGs to RGB with the JDK's ImageIO through DecodeJpeg.java (one JVM for all files). */
function decodeJpegsImageIo(files) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'golden-jpeg-'));
  try {
    const lines = execFileSync('java', [path.join(here, 'DecodeJpeg.java'), dir, ...files], { encoding: 'utf8' })
      .trim().split('\n').map((l) => l.split(' '));
    const javaVersion = lines.find((l) => l[0] === 'java.version')[1];
    return files.map((_, i) => {
      const [, w, h] = lines.find((l) => l[0] === String(i));
      return { width: Number(w), height: Number(h), rgb: new Uint8Array(readFileSync(path.join(dir, `${i}.rgb`))), javaVersion };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Decodes a JPEG to RGB with jpeg-js. */
export function decodeJpeg(buf) {
  const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 20 });
  const n = img.width * img.height;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    rgb[3 * i] = img.data[4 * i];
    rgb[3 * i + 1] = img.data[4 * i + 1];
    rgb[3 * i + 2] = img.data[4 * i + 2];
  }
  return { width: img.width, height: img.height, rgb };
}

/** Reads the frame header of a JPEG: width, height and whether it is baseline (SOF0). */
export function jpegFrameInfo(buf) {
  let pos = 2;
  while (pos + 9 < buf.length) {
    if (buf[pos] !== 0xff) throw new Error('bad JPEG marker');
    const marker = buf[pos + 1];
    const len = buf.readUInt16BE(pos + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { baseline: marker === 0xc0, height: buf.readUInt16BE(pos + 5), width: buf.readUInt16BE(pos + 7) };
    }
    pos += 2 + len;
  }
  throw new Error('no JPEG frame header');
}

/** Nearest-neighbour resize of RGB HWC bytes, see RESIZE_DEFINITION. */
export function resizeNearest(img, dstW, dstH) {
  const out = new Uint8Array(dstW * dstH * 3);
  const xs = new Int32Array(dstW);
  for (let x = 0; x < dstW; x++) xs[x] = Math.min(Math.floor(((2 * x + 1) * img.width) / (2 * dstW)), img.width - 1);
  for (let y = 0; y < dstH; y++) {
    const sy = Math.min(Math.floor(((2 * y + 1) * img.height) / (2 * dstH)), img.height - 1);
    for (let x = 0; x < dstW; x++) {
      const s = 3 * (sy * img.width + xs[x]);
      const d = 3 * (y * dstW + x);
      out[d] = img.rgb[s];
      out[d + 1] = img.rgb[s + 1];
      out[d + 2] = img.rgb[s + 2];
    }
  }
  return out;
}

const numeric = (a, b) => (parseInt(a, 10) - parseInt(b, 10)) || a.localeCompare(b);

/**
 * The fixed image set: 8 ORL, 6 Yale B, 6 CelebA crops, 4 CelebA frames.
 * Frames: the first 4 people (numeric folder order), each one's first file (name order) that is a
 * baseline JPEG of at most 1 MP, so that the Java decoder has the best chance of matching.
 */
export function selectImages(datasets) {
  const list = [];
  for (const [person, shot] of [[1, 1], [6, 2], [11, 3], [16, 4], [21, 5], [26, 6], [31, 7], [36, 8]]) {
    list.push({ set: 'orl', file: `orl-faces/s${person}/${shot}.pgm` });
  }
  for (const [p, light] of [['02', '+000E+00'], ['07', '+000E+00'], ['13', '+010E-20'], ['19', '+000E+00'], ['25', '-010E+00'], ['31', '+000E+00']]) {
    list.push({ set: 'yale', file: `yale-b-cropped/yaleB${p}/yaleB${p}_P00A${light}.pgm` });
  }
  const people = readdirSync(path.join(datasets, 'celeba-faces')).sort(numeric);
  for (const idx of [0, 30, 60, 90, 120, 150]) {
    const dir = people[idx];
    const first = readdirSync(path.join(datasets, 'celeba-faces', dir)).filter((f) => f.endsWith('.jpg')).sort(numeric)[0];
    list.push({ set: 'celeba-faces', file: `celeba-faces/${dir}/${first}` });
  }
  const framePeople = readdirSync(path.join(datasets, 'celeba-frames')).sort(numeric);
  for (const dir of framePeople) {
    if (list.filter((e) => e.set === 'celeba-frames').length === 4) break;
    const files = readdirSync(path.join(datasets, 'celeba-frames', dir)).filter((f) => f.endsWith('.jpg')).sort();
    const pick = files.find((f) => {
      const info = jpegFrameInfo(readFileSync(path.join(datasets, 'celeba-frames', dir, f)));
      return info.baseline && info.width * info.height <= 1_000_000;
    });
    if (pick) list.push({ set: 'celeba-frames', file: `celeba-frames/${dir}/${pick}` });
  }
  return list;
}

/** Loads the selected images: decoded RGB plus the provenance the JSON records. */
export function loadImages(datasets, entries, jpegDecoder = 'imageio') {
  if (!JPEG_DECODERS[jpegDecoder]) throw new Error(`unknown JPEG decoder ${jpegDecoder}`);
  const jpegs = entries.filter((e) => e.file.endsWith('.jpg')).map((e) => path.join(datasets, e.file));
  const viaJava = jpegDecoder === 'imageio' && jpegs.length > 0 ? decodeJpegsImageIo(jpegs) : [];
  return entries.map((entry) => {
    const buf = readFileSync(path.join(datasets, entry.file));
    let img;
    let decoder;
    if (!entry.file.endsWith('.jpg')) {
      img = decodePgm(buf);
      decoder = 'PGM P5 parsed by hand, grey replicated to R=G=B';
    } else if (jpegDecoder === 'imageio') {
      img = viaJava[jpegs.indexOf(path.join(datasets, entry.file))];
      decoder = `${JPEG_DECODERS.imageio}, java.version ${img.javaVersion}`;
    } else {
      img = decodeJpeg(buf);
      decoder = JPEG_DECODERS['jpeg-js'];
    }
    return {
      ...entry,
      width: img.width,
      height: img.height,
      rgb: img.rgb,
      decoder,
      fileSha256: sha256(buf),
      decodedSha256: sha256(img.rgb),
    };
  });
}
