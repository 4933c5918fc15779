import pickle,csv,numpy as np,sys
o={r['f']:r for r in pickle.load(open('feat.pkl','rb'))}
L={r['file']:r for r in csv.DictReader(open('/work/shared/corpus/amd-dev/labels.csv'))}
miss=[]
for line in open('dec.txt'):
    p=line.replace(',',' ').split()
    f=p[0].split('/')[-1]
    if f in L and L[f]['label']=='MACHINE' and 'HUMAN' in p: miss.append(f)
print(len(miss))
ps=[]
for f in miss:
    r=o[f]; ps.append(r['pause']); print(r['sub'],r['dur'],r['pause'],r['pk'],r['rate'].__round__(1),None if r['slope']!=r['slope'] else round(r['slope'],1),r['text'])
ps=np.array(ps); print('trigger pauses', sorted(ps)); 
for W in (1000,1100,1200): print('misses with pause <',W,':',int(np.sum(ps<W)))
H=[r for r in o.values() if r['lab']=='HUMAN']
for k in ['dur','pk','rate','slope']:
    a=np.array([o[f][k] for f in miss]); b=np.array([r[k] for r in H]); a=a[a==a]; b=b[b==b]
    print(k,'AUC',round(np.mean([(x>y)+0.5*(x==y) for x in a for y in b]),2),'miss',np.percentile(a,[0,50,100]),'human',np.percentile(b,[0,50,100]))
L2={r['file']:int(r['speech_start_ms'] or 0) for r in csv.DictReader(open('/work/shared/corpus/amd-dev/labels.csv'))}
for r in o.values(): r['onset']=L2[r['f']]
for k in ['dur','pk','rate','slope','onset']:
    a=np.array([o[f][k] for f in miss]); b=np.array([r[k] for r in H]); a=a[a==a]; b=b[b==b]
    print(k,'outside',int(np.sum((a>b.max())|(a<b.min()))),'AUC',round(np.mean([(x>y)+0.5*(x==y) for x in a for y in b]),2),np.percentile(a,[0,50,100]))
