"""Ledger settlement over account objects."""


class Account:
    def __init__(self, owner, balance, limit=0.0):
        self.owner = owner
        self.balance = balance
        self.limit = limit
        self.history = []

    def can_pay(self, amount):
        return self.balance + self.limit >= amount


def settle(accounts, transfers):
    """Apply ``transfers`` (src, dst, amount) between the Account objects in the dict
    ``accounts`` in order. A transfer the payer cannot cover (balance + overdraft limit) is
    rejected. Balances and histories are updated in place; returns the number rejected."""
    rejected = 0
    for src, dst, amount in transfers:
        payer = accounts[src]
        payee = accounts[dst]
        if payer.can_pay(amount):
            payer.balance -= amount
            payee.balance += amount
            payer.history.append(-amount)
            payee.history.append(amount)
        else:
            rejected += 1
    return rejected
