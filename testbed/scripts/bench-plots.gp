# Plots of "make bench" (testbed/scripts/bench.sh writes the data files).
#   gnuplot -e "dir='RESULTS_DIR'; base='CONFIG'" bench-plots.gp
# exits.dat, lost.dat: CONFIG, then for HDBSS and for WP the median over
# the repetitions and the low and high ends of its interval (error bars).  progress-MODE.dat: seconds since
# logging started, rate in % of the baseline, progress lost so far in
# seconds of baseline work, phase.

set terminal pngcairo size 900,500 font ",10"
set grid ytics
set key top left
set style data histograms
set style histogram errorbars gap 1 lw 1
set style fill solid 0.8 border -1
set xtics rotate by -30 nomirror

set output dir."/exits.png"
set title "Dirty-tracking exits per dirtied page (write-protect faults + buffer-full exits), median and interval"
set ylabel "exits per dirtied page (log scale)"
set logscale y
set yrange [0.0001:20]
set key top left horizontal
plot dir."/exits.dat" using 2:3:4:xtic(1) title "HDBSS" lc rgb "#1f77b4", \
     "" using 5:6:7 title "write protection" lc rgb "#d62728"
unset logscale y

set output dir."/lost.png"
set title "Guest progress lost over the migration, blackout included, median and interval"
set ylabel "% of the baseline"
set autoscale y
set key top left horizontal
plot dir."/lost.dat" using 2:3:4:xtic(1) title "HDBSS" lc rgb "#1f77b4", \
     "" using 5:6:7 title "write protection" lc rgb "#d62728"

set terminal pngcairo size 900,700 font ",10"
set output dir."/progress.png"
set style data lines
set xtics norotate mirror
unset title
set multiplot layout 2,1 title "Guest progress over time, ".base
set ylabel "rate, % of the baseline"
set yrange [0:*]
plot dir."/progress-hdbss.dat" using 1:2 title "HDBSS" lc rgb "#1f77b4" lw 1.5, \
     dir."/progress-wp.dat" using 1:2 title "write protection" lc rgb "#d62728" lw 1.5, \
     100 title "baseline" lc rgb "#888888" dt 2
set xlabel "seconds since dirty logging started (before 0: warm-up, logging off)"
set ylabel "progress lost so far, s"
set autoscale y
plot dir."/progress-hdbss.dat" using 1:3 title "HDBSS" lc rgb "#1f77b4" lw 1.5, \
     dir."/progress-wp.dat" using 1:3 title "write protection" lc rgb "#d62728" lw 1.5
unset multiplot
