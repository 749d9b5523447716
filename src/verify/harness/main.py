# aiaccel harness, part: the entry point: one JSON request in, one tagged reply out (joined with the other parts into one script at build time: src/python.rs)
def main():
    global TAG
    req = json.loads(sys.stdin.read())
    TAG = req.get("tag", TAG)
    sandbox = req.get("sandbox")
    netns = None
    if sandbox is not None:
        netns = network_isolated()
        divert_fd1()
        install_sandbox(sandbox)
    for p in reversed(req.get("sys_path", [])):
        sys.path.insert(0, p)
    if req.get("cwd"):
        os.chdir(req["cwd"])
    try:
        handler = {"probe": mode_probe, "verify": mode_verify, "bench": mode_bench, "capture": mode_capture, "eval": mode_eval, "njit_ref": mode_njit_ref, "repo_tests": mode_repo_tests}[req["mode"]]
        out = handler(req)
    except Exception as e:
        out = {"status": "error", "message": "%s: %s" % (type(e).__name__, e), "traceback": traceback.format_exc()[-3000:]}
    if sandbox is not None and isinstance(out, dict):
        out["sandbox"] = {"network_isolated": netns, "refused": refused_since(0)[:20]}
    reply(out)


if __name__ == "__main__":
    main()
