# Builds data/*.jsonl (text + labels) from ../shared/data and the packs, read in place.
import json, csv, glob, tomllib, hashlib, random, collections
import os
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.join(HERE, '..', '..')
L = os.path.join(REPO, '..', 'shared', 'data', 'labeled') + '/'
O = os.path.join(HERE, 'data') + '/'
os.makedirs(O, exist_ok=True)
def w(name, rows):
    with open(O + name, 'w') as f:
        for r in rows: f.write(json.dumps(r, ensure_ascii=False) + '\n')
    print(name, len(rows), collections.Counter(r.get('y') for r in rows))
# pack examples
rows = []
for f in sorted(glob.glob(os.path.join(REPO, 'crates/tactful-packs/packs/*.toml'))):
    d = tomllib.load(open(f, 'rb'))
    for r in d.get('rule', []):
        refs = r.get('references', [])
        dom = refs[0].split('/')[2].removeprefix('www.') if refs else 'none'
        for k in ('flag', 'pass'):
            for x in r.get(k, []):
                t = x if isinstance(x, str) else x['text']
                rows.append(dict(text=t, pack=f.split('/')[-1][:-5], code=r['code'], kind=k, dom=dom, y=int(k == 'flag')))
w('pack.jsonl', rows)
# janitr
POS = {'promo', 'affiliate', 'lead_gen', 'spam', 'engagement_bait', 'giveaway', 'follow_train', 'reply_spam', 'dm_spam'}
rows = []
for l in open(L + 'janitr_x_posts/sample-dev.jsonl'):
    d = json.loads(l); lab = set(d['labels'])
    y = 1 if lab & POS else (0 if 'clean' in lab else None)
    rows.append(dict(text=d['text'], src='janitr', y=y, scam=int(bool(lab & {'scam', 'phishing', 'recovery_scam'})), labels=sorted(lab)))
w('janitr.jsonl', rows)
rows = []
for l in open(L + 'sms_spam_collection/SMSSpamCollection', encoding='utf-8'):
    lab, t = l.rstrip('\n').split('\t', 1)
    rows.append(dict(text=t, src='sms', y=int(lab == 'spam')))
w('sms.jsonl', rows)
rows = []
for f in sorted(glob.glob(L + 'youtube_spam_collection/*.csv')):
    for r in csv.DictReader(open(f, encoding='utf-8')):
        rows.append(dict(text=r['CONTENT'], src='yt', y=int(r['CLASS'] == '1')))
w('yt.jsonl', rows)
rows = [dict(text=r['text'], src='fbads', y={'0': 1, '1': 0, '2': None}[r['label']]) for r in csv.DictReader(open(L + 'facebook_ads_commercial_vs_informational_adanalyst/ads_dataset.csv', encoding='utf-8'))]
random.Random(7).shuffle(rows)
rows = [r for r in rows if r['y'] == 1][:1500] + [r for r in rows if r['y'] == 0][:500]
w('fbads.jsonl', rows)
