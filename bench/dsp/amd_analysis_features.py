import wave, numpy as np, csv, json, sys
MG=int(sys.argv[1]) if len(sys.argv)>1 else 10
C='/work/shared/corpus/amd-dev/'
meta={json.loads(l)['file']:json.loads(l) for l in open(C+'meta.jsonl')}
rows=list(csv.DictReader(open(C+'labels.csv')))
def load(f):
    w=wave.open(C+f); sr=w.getframerate(); x=np.frombuffer(w.readframes(w.getnframes()),'<i2').astype(float)/32768
    if sr==16000: x=x[::2]
    return x
out=[]
for r in rows:
    if r['label'] not in('HUMAN','MACHINE'): continue
    x=load(r['file']); n=len(x)//160; fr=x[:n*160].reshape(n,160)
    e=10*np.log10((fr**2).mean(1)+1e-12)
    s0=int(r['speech_start_ms'])//20
    floor=np.percentile(e[:max(s0,5)],50) if s0>5 else np.percentile(e,5)
    peak=np.percentile(e[s0:],95)
    thr=max(floor+6, peak-25)
    sp=e>thr
    # segments from s0
    segs=[];i=s0-3 if s0>3 else 0
    while i<n:
        if sp[i]:
            j=i
            while j<n and sp[j]: j+=1
            segs.append([i,j]); i=j
        else: i+=1
    # merge gaps < 200ms
    m=[]
    for a,b in segs:
        if b-a<3: continue
        if m and a-m[-1][1]<MG: m[-1][1]=b
        else: m.append([a,b])
    if not m: continue
    a,b=m[0]; dur=(b-a)*20
    pause=(m[1][0]-b)*20 if len(m)>1 else 9999
    seg=e[a:b]
    # syllable peaks: local maxima of smoothed energy > 3dB prominence
    sm=np.convolve(seg,np.ones(3)/3,'same'); pk=0
    for k in range(1,len(sm)-1):
        if sm[k]>=sm[k-1] and sm[k]>sm[k+1] and sm[k]>thr+6:
            lo=min(sm[max(0,k-8):k].min(), sm[k+1:k+9].min()); 
            if sm[k]-lo>4: pk+=1
    # level relative to later speech
    lvl=seg.max(); later=max((e[c:d].max() for c,d in m[1:]),default=np.nan)
    # pitch: autocorrelation over last 300ms voiced frames of first utterance
    def f0(fr_):
        fr_=fr_-fr_.mean(); ac=np.correlate(fr_,fr_,'full')[159:]
        if ac[0]<=0: return np.nan
        lo,hi=8000//400,8000//70
        # use 2 frames for length
        k=np.argmax(ac[lo:hi])+lo
        return 8000/k if ac[k]/ac[0]>0.4 else np.nan
    pts=[]
    for k in range(max(a,b-25),b):
        seg2=x[k*160-160:k*160+160] if k>0 else x[:320]
        s2=seg2-seg2.mean(); ac=np.correlate(s2,s2,'full')[319:]
        lo,hi=20,114; kk=np.argmax(ac[lo:hi])+lo
        pts.append(8000/kk if ac[0]>0 and ac[kk]/ac[0]>0.45 else np.nan)
    pts=np.array(pts); v=~np.isnan(pts)
    slope=np.nan
    if v.sum()>=4:
        t=np.arange(len(pts))[v]; slope=np.polyfit(t,12*np.log2(pts[v]),1)[0]*50 # semitones/s
    # pause cleanness: min energy in pause relative to floor
    pmin=e[b:m[1][0]].min()-floor if len(m)>1 else np.nan
    out.append(dict(f=r['file'],lab=r['label'],sub=r['subtype'],dur=dur,pause=pause,pk=pk,rate=pk/(dur/1000),lvl=lvl-peak,later=later-lvl if later==later else np.nan,slope=slope,pmin=pmin,nseg=len(m),text=str(meta[r['file']].get('text',['real'])[0])[:40]))
import pickle; pickle.dump(out,open('feat.pkl','wb'))
for o in out:
    print(f"{o['lab'][:3]} {o['sub'][:16]:16} dur={o['dur']:5} pause={o['pause']:5} pk={o['pk']:2} rate={o['rate']:4.1f} slope={o['slope']:6.1f} pmin={o['pmin']:5.1f} | {o['text']}")
