"""An independent safetensors reader (Python standard library only), written from the format's
description, used at development time to check that files vadapter writes open outside it.
Prints {"metadata": {...}, "tensors": {name: {"dtype", "shape", "values"}}} as JSON."""
import json
import struct
import sys

FORMATS = {"F64": "d", "F32": "f", "F16": "e", "I64": "q", "I32": "i", "I16": "h", "I8": "b",
           "U64": "Q", "U32": "I", "U16": "H", "U8": "B", "BOOL": "?"}


def read(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    metadata = header.pop("__metadata__", {})
    out = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        fmt = FORMATS[info["dtype"]]
        count = 1
        for d in info["shape"]:
            count *= d
        assert struct.calcsize("<%d%s" % (count, fmt)) == end - begin, name
        values = struct.unpack("<%d%s" % (count, fmt), data[begin:end])
        out[name] = {"dtype": info["dtype"], "shape": info["shape"],
                     "values": [v if v == v else "nan" for v in values]}
    return {"metadata": metadata, "tensors": out}


if __name__ == "__main__":
    print(json.dumps(read(sys.argv[1])))
