def f(xs):
  t = 0
  for x in xs:
         t += x
  return t

class K:
 def m(self, a):
      for i in range(len(a)):
            a[i] = a[i] + 1
