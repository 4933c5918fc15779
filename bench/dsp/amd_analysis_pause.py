import wave, numpy as np, csv
C='/work/shared/corpus/amd-dev/'
rows=list(csv.DictReader(open(C+'labels.csv')))
import pickle; o={r['f']:r for r in pickle.load(open('feat.pkl','rb'))}
res=[]
for r in rows:
    if r['file'] not in o: continue
    w=wave.open(C+r['file']); sr=w.getframerate(); x=np.frombuffer(w.readframes(w.getnframes()),'<i2').astype(float)/32768
    if sr==16000: x=x[::2]
    n=len(x)//160; fr=x[:n*160].reshape(n,160); e=10*np.log10((fr**2).mean(1)+1e-12)
    s0=int(r['speech_start_ms'])//20
    if s0<6: continue
    pre=e[:s0-2]; floor=np.median(pre)
    f=o[r['file']]; b=(int(r['speech_start_ms'])+0)//20  # recompute utterance end
    # find utterance end: first run of 40 quiet frames (thr as feat.py)
    peak=np.percentile(e[s0:],95); thr=max(floor+6,peak-25)
    q=0; end=None
    for k in range(s0,n):
        q = q+1 if e[k]<thr else 0
        if q==40: end=k-39; break
    if end is None: continue
    p=e[end+5:end+40]
    res.append((r['label'],r['subtype'],np.mean(p)-floor,np.std(p)-np.std(pre),f['pause']))
H=np.array([v[2] for v in res if v[0]=='HUMAN']); M=np.array([v[2] for v in res if v[0]=='MACHINE'])
Hs=np.array([v[3] for v in res if v[0]=='HUMAN']); Ms=np.array([v[3] for v in res if v[0]=='MACHINE'])
def auc(a,b): return np.mean([(x>y)+0.5*(x==y) for x in a for y in b])
print('pause mean - pre floor: human',len(H),np.round(np.percentile(H,[0,50,100]),2),'machine',len(M),np.round(np.percentile(M,[0,50,100]),2),'AUC',round(auc(M,H),2))
print('pause std - pre std:   human',np.round(np.percentile(Hs,[0,50,100]),2),'machine',np.round(np.percentile(Ms,[0,50,100]),2),'AUC',round(auc(Ms,Hs),2))
