# no_fire: the method assigns an attribute of `self` (reading it once would not see the update)
class Account:
    def __init__(self):
        self.balance = 0.0

    def apply_all(self, amounts):
        for a in amounts:
            self.balance = self.balance + a * 1.01
