"""Writes BENCHMARKS.md (to stdout) from the raw results of bench/run:
burn-native.json (bench/native.rs), torch.json (bench/torch_side.py) and browser.json
(bench/browser.mjs), then appends bench/analysis.md, the measured causes of each ratio
above 1.0 and what was done about them.

Usage: python bench/report.py bench/results > BENCHMARKS.md
"""
import json
import os
import sys

RESULTS = sys.argv[1]


def load(name):
    with open(os.path.join(RESULTS, name)) as f:
        return json.load(f)


burn, torch, browser = load("burn-native.json"), load("torch.json"), load("browser.json")
MODELS = list(torch["models"])
first_native = next(iter(burn["models"].values()))
first_browser = next(iter(browser["models"].values()))
adapter = first_browser.get("adapter") or {}


def describe(name):
    model = torch["models"][name]
    g = model["generator"]
    return f"`{name}`: {g['architecture']} ngf {g['ngf']}, {g['norm']} norm ({model['norm_stats']} statistics), {model['macs'] / 1e9:.2f} G MAC"


def ms(value):
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def spread(stats, median="median_ms", low="p10_ms", high="p90_ms"):
    return f"{ms(stats[median])} ({ms(stats[low])}–{ms(stats[high])})"


def ratio(ours, theirs):
    value = ours / theirs
    return f"**{value:.2f}**" if value > 1 else f"{value:.2f}"


def gflops(name, milliseconds):
    return 2 * torch["models"][name]["macs"] / (milliseconds / 1000) / 1e9


lines = [
    "# Benchmarks",
    "",
    "gansketch's burn generators against what a user would pick instead, on the identical",
    "network and weights, measured in one run of `bench/run` on this machine (2 cores, no GPU).",
    "Ratios are ours / theirs: below 1.0 we are faster. Times are medians with the 10th–90th",
    "percentile in brackets, in ms per 256² translation (batch of one) after warm-up.",
    f"Runs per figure: natively {first_native['inference']['runs']} per inference and"
    f" {first_native['training_step']['runs']} per training step; in the browser"
    f" {first_browser['engines']['burn-cpu']['runs']} per engine on the CPU and"
    f" {first_browser['engines']['burn-webgpu']['runs']} on WebGPU.",
    "",
    "Reproduce: `bench/run` (installs PyTorch, ONNX Runtime and onnxruntime-web first; raw",
    "results in `bench/results/`). The networks:",
    "",
]
lines += [f"- {describe(name)}" for name in MODELS]
lines += [
    "",
    "Before timing, each side's output is checked against burn's on the same input: PyTorch",
    "and burn agree to " + ", ".join(f"{torch['models'][n]['max_abs_error_vs_burn']:.1e}" for n in MODELS)
    + "; ONNX Runtime and PyTorch to " + ", ".join(f"{torch['models'][n]['max_abs_error_onnxruntime_vs_torch']:.1e}" for n in MODELS) + ".",
    "",
    f"## Natively, {torch['threads']} threads",
    "",
    f"burn {burn['backend']} with {burn['threads']} rayon threads; PyTorch {torch['torch']} and ONNX Runtime"
    f" {torch['onnxruntime']} with {torch['threads']} intra-op threads. This machine's measured peak"
    f" (a 2048³ float32 matrix product in PyTorch): **{torch['peak_gflops']:.0f} GFLOP/s**.",
    "",
    "| network | task | burn ms | PyTorch ms | ratio | ONNX Runtime ms | ratio | burn GFLOP/s (of peak) |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
]
for name in MODELS:
    ours, theirs = burn["models"][name], torch["models"][name]
    ours_ms = ours["inference"]["median_ms"]
    achieved = gflops(name, ours_ms)
    lines.append(
        f"| {name} | inference | {spread(ours['inference'])} | {spread(theirs['torch_inference'])} | {ratio(ours_ms, theirs['torch_inference']['median_ms'])}"
        f" | {spread(theirs['onnxruntime_inference'])} | {ratio(ours_ms, theirs['onnxruntime_inference']['median_ms'])}"
        f" | {achieved:.1f} ({100 * achieved / torch['peak_gflops']:.0f} %) |"
    )
    lines.append(
        f"| {name} | training step (G + PatchGAN ndf 64) | {spread(ours['training_step'])} | {spread(theirs['torch_training_step'])}"
        f" | {ratio(ours['training_step']['median_ms'], theirs['torch_training_step']['median_ms'])} | — | — | — |"
    )

for name in MODELS:
    ours, theirs = burn["models"][name].get("layers", []), torch["models"][name].get("torch_layers", [])
    if not ours or not theirs:
        continue
    total = sum(layer["median_ms"] for layer in ours)
    lines += [
        "",
        f"Where the time goes in `{name}` natively: each 4×4 stride-2 convolution alone (batch of one),"
        f" burn against PyTorch. The convolutions add up to {ms(total)} ms in burn and"
        f" {ms(sum(layer['median_ms'] for layer in theirs))} ms in PyTorch.",
        "",
        "| layer | channels | input side | burn ms | PyTorch ms | ratio | share of burn's convolution time |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for a, b in zip(ours, theirs):
        kind = "transposed" if a["transposed"] else "conv"
        lines.append(f"| {a['name']} ({kind}) | {a['input']} → {a['output']} | {a['side']} | {ms(a['median_ms'])} | {ms(b['median_ms'])}"
                     f" | {ratio(a['median_ms'], b['median_ms'])} | {100 * a['median_ms'] / total:.0f} % |")

lines += [
    "",
    "## In the browser",
    "",
    f"Chromium {browser['chromium']} headless, one page session per network (`bench/compare.html`):"
    " burn's wasm on the CPU backend against onnxruntime-web's wasm backend (both one thread: a plain"
    " static server gives no cross-origin isolation), and burn on WebGPU against onnxruntime-web's"
    f" WebGPU backend, on the adapter `{adapter.get('vendor', '?')} {adapter.get('architecture', '')}`"
    f"{' (a software fallback: SwiftShader on the CPU)' if adapter.get('isFallbackAdapter') or adapter.get('architecture') == 'swiftshader' else ''}."
    " Each engine's cold start is engine start + model load + first output. The input is a real",
    "street tile; outputs are read back to the CPU as the page needs them.",
    "",
    "| network | burn CPU (wasm) ms | onnxruntime-web wasm ms | ratio | burn WebGPU ms | onnxruntime-web WebGPU ms | ratio |",
    "| --- | --- | --- | --- | --- | --- | --- |",
]
for name, result in browser["models"].items():
    e = result["engines"]

    def cell(engine):
        return spread(e[engine], "medianMs", "p10Ms", "p90Ms") if engine in e else "—"

    def r(a, b):
        return ratio(e[a]["medianMs"], e[b]["medianMs"]) if a in e and b in e else "—"

    lines.append(f"| {name} | {cell('burn-cpu')} | {cell('ort-wasm')} | {r('burn-cpu', 'ort-wasm')} | {cell('burn-webgpu')} | {cell('ort-webgpu')} | {r('burn-webgpu', 'ort-webgpu')} |")

lines += ["", "Cold start (ms) and agreement of the outputs (largest difference of a pixel channel, 0–255):", ""]
lines += ["| network | burn CPU | onnxruntime-web wasm | ratio | burn WebGPU | onnxruntime-web WebGPU | ratio | outputs |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
for name, result in browser["models"].items():
    e = result["engines"]
    cold = lambda engine: ms(e[engine]["coldStartMs"]) if engine in e else "—"
    cr = lambda a, b: ratio(e[a]["coldStartMs"], e[b]["coldStartMs"]) if a in e and b in e else "—"
    agreement = "; ".join(f"{k}: {v}" for k, v in result["largestPixelDifference"].items())
    lines.append(f"| {name} | {cold('burn-cpu')} | {cold('ort-wasm')} | {cr('burn-cpu', 'ort-wasm')} | {cold('burn-webgpu')} | {cold('ort-webgpu')} | {cr('burn-webgpu', 'ort-webgpu')} | {agreement} |")

lines += ["", "What a user downloads (raw / gzip -9):", ""]
lines += [f"- {build}: {d['bytes'] / 1e6:.1f} MB / {d['gzipBytes'] / 1e6:.1f} MB" for build, d in browser["downloads"].items()]
lines.append("")

analysis = os.path.join(os.path.dirname(os.path.abspath(__file__)), "analysis.md")
if os.path.exists(analysis):
    with open(analysis) as f:
        lines.append(f.read().rstrip())
print("\n".join(lines))
