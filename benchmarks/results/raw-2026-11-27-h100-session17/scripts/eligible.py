"""Session 17, round 1: the candidates whose every text's images have no local loads/stores and whose
gates all passed. argv: images.txt, then NAME=GATES_LOG:TEXT,TEXT,... per candidate."""
import re
import sys

spills = {}
for line in open(sys.argv[1]):
    m = re.match(r"(\S+) (\S+) (\d+) bytes, local loads/stores: (\d+)", line)
    if m:
        spills.setdefault(m.group(1), []).append(int(m.group(4)))
for spec in sys.argv[2:]:
    name, rest = spec.split("=")
    gates_log, texts = rest.split(":")
    text_spills = {t: spills.get(t) for t in texts.split(",")}
    gates = open(gates_log).read()
    passed = gates.count(" passed") == 4 and "FAILED" not in gates
    clean = all(v and len(v) >= 2 and sum(v) == 0 for v in text_spills.values())
    print(f"# {name}: images {text_spills}, gates {'passed' if passed else 'FAILED'}", file=sys.stderr)
    if clean and passed:
        print(name)
