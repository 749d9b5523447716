def σύνολο(τιμές):
    αθροισμα = 0.0
    for τ in τιμές:
        αθροισμα += τ * 2
    return αθροισμα

def 合計(値):
    s = 0
    for i in range(len(値)):
        s += 値[i]
    return s
