def f(xs):
	t = 0
	for x in xs:
		t += x * 3
	return t

class T:
	def g(self, ys):
		for i in range(len(ys)):
			ys[i] *= 2
