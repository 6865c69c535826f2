// sharp (libvips) making the same derivatives as PhotoJobs, in its best configuration:
// one decode to 2048 px (shrink-on-load), encode it, resize those pixels to 800 px and
// encode, two images in flight. Prints one JSON line: images, best seconds, the least CPU
// seconds of a round (all threads), peak RSS.
//
//   node benchmarks/sharp_derivatives.js SHARP_DIR OUT_DIR ROUNDS FILE...
"use strict";
const path = require("path");

const [sharpDir, outDir, roundsText, ...files] = process.argv.slice(2);
const sharp = require(path.join(path.resolve(sharpDir), "node_modules", "sharp"));
sharp.cache(false); // every round decodes from the file, as a fresh import does
const IN_FLIGHT = 2;
let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 10);

async function one(file) {
  const stem = path.join(outDir, path.basename(file, path.extname(file)));
  const { data, info } = await sharp(file)
    .rotate() // EXIF orientation: upright, as PhotoJobs writes them
    .resize(2048, 2048, { fit: "inside", withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
  await sharp(data, raw).jpeg({ quality: 85 }).toFile(`${stem}.p.jpg`);
  await sharp(data, raw)
    .resize(800, 800, { fit: "inside", withoutEnlargement: true })
    .jpeg({ quality: 80 })
    .toFile(`${stem}.t.jpg`);
}

async function batch(list) {
  let next = 0;
  async function lane() {
    while (next < list.length) {
      await one(list[next++]);
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
}

(async () => {
  await batch(files.slice(0, IN_FLIGHT)); // warm up: library loaded, threads started
  let best = Infinity;
  let cpu = Infinity;
  for (let round = 0; round < Number(roundsText); round++) {
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    await batch(files);
    const used = process.cpuUsage(cpuBefore);
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
    cpu = Math.min(cpu, (used.user + used.system) / 1e6);
  }
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const version = require(path.join(path.resolve(sharpDir), "node_modules", "sharp", "package.json")).version;
  console.log(JSON.stringify({ images: files.length, seconds: best, cpu, peak_mb: peakRss / 1048576, version }));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
