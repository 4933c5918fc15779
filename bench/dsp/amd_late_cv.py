#!/usr/bin/python3
# Grouped k-fold cross-validation of the late-MACHINE correction's two thresholds
# (late_machine_gap_ms, late_machine_speech_ms) over amd-dev, clean and degraded together.
# Groups: the file's voice (speaker); fax/SIT/silence files (no voice) are their own group.
# A group's files go to the same fold in every condition. Per fold the pair is chosen on the
# training folds: most correct with no human lost at the pair nor one step (100 ms) more eager
# on either threshold (a lost human costs 1000), ties broken
# towards the middle of the tied region (widest margin); the held-out fold is then scored.
import csv, json, os, random, sys
from collections import Counter, defaultdict
# usage: amd_late_cv.py GRID_DIR [CORPUS_DIR]   (GRID_DIR from bench/dsp/amd_late_grid.sh)
G=sys.argv[1]; C=sys.argv[2] if len(sys.argv)>2 else '/work/shared/corpus/amd-dev'
conds=['clean','g729','snr20','snr10','g729snr20','g729snr10']
lab={r['file']:r['label'] for r in csv.DictReader(open(C+'/labels.csv'))}
meta={json.loads(l)['file']:json.loads(l) for l in open(C+'/meta.jsonl')}
res=defaultdict(dict)  # (g,l) -> (cond,file) -> result
for c in conds:
    for line in open('%s/%s.txt'%(G,c)):
        g,l,f,r,t=line.rstrip('\n').split('\t'); res[(int(g),int(l))][(c,os.path.basename(f))]=r
grid=sorted(res)
def grp(f):
    v=meta[f].get('voices'); return v[0].split()[0] if v else f
files=sorted(lab); groups=sorted({grp(f) for f in files})
def score(p, keys):
    r=res[p]; ok=sum(r[k]==lab[k[1]] for k in keys)
    lost=sum(lab[k[1]]=='HUMAN' and r[k] in('MACHINE','FAX','SIT','SILENCE') for k in keys)
    return ok,lost
def lost_near(p, keys):
    # a safety margin: no human lost one grid step more eager on either threshold
    g,l=p; return sum(score(q,keys)[1] for q in ((g,l),(g+100,l),(g,l-100)) if q in res)
def choose(keys):
    val={p:score(p,keys)[0]-1000*lost_near(p,keys) for p in grid}; best=max(val.values())
    tied=[p for p in grid if val[p]==best]
    gs=sorted({p[0] for p in tied}); g=gs[len(gs)//2]
    ls=sorted({p[1] for p in tied if p[0]==g}); return (g, ls[len(ls)//2])
K=5; per=defaultdict(lambda:[0,0,0,0,0,0]); picks=Counter()
for seed in range(10):
    rnd=random.Random(seed); gg=groups[:]; rnd.shuffle(gg); fold={g:i%K for i,g in enumerate(gg)}
    for k in range(K):
        train=[(c,f) for c in conds for f in files if fold[grp(f)]!=k]
        p=choose(train); picks[p]+=1
        for c in conds:
            test=[(c,f) for f in files if fold[grp(f)]==k]
            ok,lost=score(p,test); a=per[c]; a[0]+=ok; a[1]+=len(test); a[2]+=lost
            a[3]+=sum(res[p][x]=='MACHINE' for x in test if lab[x[1]]=='MACHINE'); a[4]+=sum(lab[x[1]]=='MACHINE' for x in test)
            a[5]+=sum(lab[x[1]]=='HUMAN' for x in test)
print('5-fold CV grouped by voice (%d groups), 10 shuffles; thresholds chosen on the training folds of all six conditions:'%len(groups))
for c in conds:
    a=per[c]; print('  %-10s accuracy %5.1f%%  MACHINE %5.1f%%  humans lost %.2f%% (%d/%d)'%(c,100*a[0]/a[1],100*a[3]/a[4],100*a[2]/a[5],a[2],a[5]))
print('picked per fold:', picks.most_common(6))
full=choose([(c,f) for c in conds for f in files]); print('chosen on everything:', full)
for c in conds: print('  %-10s train'%c, score(full,[(c,f) for f in files]))
ls=sorted({p[1] for p in grid})
print('correct/lost over all six conditions (720 files); rows gap ms, columns late speech ms', ls)
for g in sorted({p[0] for p in grid}):
    print('  %5d '%g, ' '.join('%3d/%-2d'%score((g,l),[(c,f) for c in conds for f in files]) for l in ls))
