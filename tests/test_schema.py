#!/usr/bin/python3
"""test_schema: the settings' description (rdsim --schema, the document the page builds
its panel from) is the one the CLI obeys. For every setting with an option: rdsim
accepts its default and each of its choices, refuses a value outside it with exit 2
and the schema's own "expect" text, and a setting given on the command line changes
the state hash as the same value given through --preset does. The presets in the
document are rdsim's (--list-presets). Ends with "N passed, N failed"."""
import json
import re
import subprocess

from checks import RDSIM, check, finish  # tests/checks.py


def rdsim(*args):
    return subprocess.run([RDSIM, *args], capture_output=True, text=True)


def state_hash(*args):
    out = rdsim('--size', '12', '--steps', '3', '--hash', *args)
    m = re.search(r'state_hash ([0-9a-f]{16})', out.stdout)
    return m.group(1) if m else None


doc = json.loads(rdsim('--schema').stdout)
check(isinstance(doc.get('params'), list) and len(doc['params']) > 0, 'rdsim --schema prints a JSON document with params')
keys = [p['key'] for p in doc['params']]
check(len(keys) == len(set(keys)), 'each setting key is unique')

usage = rdsim('--help').stdout
for p in doc['params']:
    key, cli = p['key'], p['cli']
    if not cli:
        check(p['apply'] == 'paint' or (p['apply'] == 'view' and p.get('pageOnly') is True),
              '%s: only the paint brush and what only the page draws have no option (page only)' % key)
        continue
    check('--' + cli in usage, '--%s is in the usage text' % cli)
    if p['kind'] == 'bool':
        check(rdsim('--' + cli, '--size', '8', '--steps', '0').returncode == 0, '--%s is a flag rdsim takes' % cli)
        continue
    values = [c['cli'] for c in p['choices']] if p['kind'] == 'choice' else [str(p['default'])]
    for v in values:
        r = rdsim('--' + cli, v, '--size', '8', '--steps', '0')
        check(r.returncode == 0, '--%s %s accepted (%s)' % (cli, v, r.stderr.strip()))
    bad = {'real': 'abc', 'int': str(int(p['max'] or 0) + 1) if p['kind'] == 'int' else '', 'seed': '-1',
           'choice': 'no-such-choice'}[p['kind']]
    r = rdsim('--' + cli, bad, '--size', '8', '--steps', '0')
    check(r.returncode == 2 and p['expect'] in r.stderr,
          '--%s %s refused with the schema\'s text "%s" (%s)' % (cli, bad, p['expect'], r.stderr.strip()))

# Live settings: given on the command line they act as the preset's values do.
listed = {}
for line in rdsim('--list-presets').stdout.splitlines():
    name, rest = line.split(None, 1)
    listed[name] = dict(re.findall(r'(\S+)=(\S+)', rest.split('  (')[0]))
check([p['name'] for p in doc['presets']] == list(listed), 'the document lists rdsim\'s presets, in order')
live = [p for p in doc['params'] if p['apply'] == 'live']
for pr in doc['presets'][:3]:
    flags = []
    for p in live:
        if p['kind'] == 'bool':  # a flag: given means true (the parameter map's switch)
            flags += ['--' + p['cli']] if pr['values'][p['key']] else []
        else:
            flags += ['--' + p['cli'], str(pr['values'][p['key']])]
    via_flags = state_hash(*flags, '--seed-mode', pr['values']['seedMode'])
    via_preset = state_hash('--preset', pr['name'])
    check(via_flags is not None and via_flags == via_preset,
          'preset %s: its schema values as options give its state hash (%s)' % (pr['name'], via_flags))
    # --list-presets prints the point (F, k, Du, Dv, dt, stencil); the map's rows are each preset's defaults
    check(all(abs(float(listed[pr['name']][p['key']]) - float(pr['values'][p['key']])) < 1e-6
              for p in live if p['key'] in listed[pr['name']]),
          'preset %s: the document\'s values are rdsim\'s' % pr['name'])

# The defaults the document gives are rdsim's (where rdsim keeps its own, it says so).
size = next(p for p in doc['params'] if p['key'] == 'size')
check(state_hash() == state_hash('--preset', doc['presets'][0]['name']), 'the default preset is the first')
check(rdsim('--size', str(size['min'] - 1)).returncode == 2 and rdsim('--size', str(size['max'] + 1)).returncode == 2,
      '--size outside [%d, %d] refused' % (size['min'], size['max']))

finish()
