"""The environment Kubernetes would give Sluice's container, as NAME=VALUE lines.

The image's Env, then what the rendered kustomization's Deployment adds (its ConfigMaps by envFrom, then its
env), as the kubelet applies them. Secret references take their values from the arguments (name/key=value).
Usage: container-env.py IMAGE_CONFIG_JSON KUSTOMIZATION_DIR [secret-name/key=value ...]
"""
import json
import subprocess
import sys

import yaml

image = json.load(open(sys.argv[1]))
secrets = dict(arg.split('=', 1) for arg in sys.argv[3:])
docs = list(yaml.safe_load_all(subprocess.check_output(['kubectl', 'kustomize', sys.argv[2]])))
config_maps = {d['metadata']['name']: d.get('data', {}) for d in docs if d['kind'] == 'ConfigMap'}
deployment = next(d for d in docs if d['kind'] == 'Deployment')
container = deployment['spec']['template']['spec']['containers'][0]
env = dict(line.split('=', 1) for line in image['config']['Env'])
for source in container.get('envFrom', []):
    env.update(config_maps[source['configMapRef']['name']])
for entry in container.get('env', []):
    if 'value' in entry:
        env[entry['name']] = entry['value']
    else:
        ref = entry['valueFrom']['secretKeyRef']
        env[entry['name']] = secrets[ref['name'] + '/' + ref['key']]
for name, value in env.items():
    print(f'{name}={value}')
