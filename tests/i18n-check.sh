#!/usr/bin/env bash
# i18n-check.sh — every user-facing message exists in Turkish and English as a pair,
# M("tr", "en") or tz_errf(e, code, "tr", "en", args...). Both halves of a pair are handed the
# same printf arguments, so their conversions (%s, %zu, …) must be the same, in the same
# order. This script checks every pair in src/ and fails on the first mismatch.
set -u
cd "$(dirname "$0")/.."
perl -0777 -ne '
  my $file = $ARGV;
  my $str = qr/"(?:[^"\\]|\\.)*"/s;
  my $lits = qr/$str(?:\s*$str)*/s;
  sub join_lits { my $s = shift; my @p = ($s =~ /"((?:[^"\\]|\\.)*)"/sg); return join("", @p); }
  sub specs { my $s = shift; $s =~ s/%%//g; my @m = ($s =~ /%[-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?:hh|h|ll|l|z|j|t|L)?[diouxXeEfgGcspn]/g); return join(" ", @m); }
  while (/\b(M|tz_errf)\s*\(((?:[^;]*?,\s*){0,2})?($lits)\s*,\s*($lits)/sg) {
    my ($kind, $tr, $en) = ($1, join_lits($3), join_lits($4));
    my ($a, $b) = (specs($tr), specs($en));
    $n++;
    if ($a ne $b) { print "$file: $kind pair differs: [$a] vs [$b]\n  tr: $tr\n  en: $en\n"; $bad++; }
  }
  END { print "i18n: $n message pairs checked, ", ($bad // 0), " mismatched\n"; exit($bad ? 1 : 0); }
' $(find src -name '*.c')
