\\ PARI/GP comparison driver for bench/factor/run: reads one number per line
\\ from standard input and prints "N: p1 p2 ..." (GNU coreutils factor format,
\\ primes ascending, repeated with multiplicity).
\\ Run: gp -q -f -D parisizemax=1G bench/factor/pari_factor.gp < numbers.txt
{
  my(numbers = readvec("/dev/stdin"));
  for (i = 1, #numbers,
    my(n = numbers[i], f = factor(n), line = Str(n, ":"));
    for (j = 1, #f~, for (k = 1, f[j, 2], line = Str(line, " ", f[j, 1])));
    print(line));
}
quit
