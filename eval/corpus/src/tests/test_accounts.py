from accounts import Account, settle


def test_settle():
    accounts = {"ann": Account("ann", 100.0), "bob": Account("bob", 10.0, limit=50.0)}
    rejected = settle(accounts, [("bob", "ann", 40.0), ("bob", "ann", 30.0), ("ann", "bob", 5.0)])
    assert rejected == 1
    assert accounts["ann"].balance == 135.0
    assert accounts["bob"].balance == -25.0
    assert accounts["bob"].history == [-40.0, 5.0]
