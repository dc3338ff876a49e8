// The perl source of the verify worker: what it does, its argv and its output are in
// worker_script.h; the record line and its checksum must match record_format.cpp.
#include "verify/worker_script.h"

namespace uc::verify {

std::string worker_script() {
  return R"PERL(# umlcluster verify worker: see src/verify/worker_script.h in umlcluster.
use strict;
use warnings;
use Fcntl qw(O_RDONLY O_WRONLY O_RDWR O_CREAT O_APPEND O_TRUNC SEEK_SET SEEK_END LOCK_EX LOCK_UN);
use IO::Handle;
use POSIX ();

$| = 1;
binmode STDOUT;
my $NODE_RE = qr/\A[A-Za-z0-9_.-]{1,64}\z/;
my $FILE_RE = qr/\A[A-Za-z0-9_.-]{1,255}\z/;
my @ALNUM = ('a' .. 'z', 'A' .. 'Z', '0' .. '9');
my ($dir, $node);

# FNV-1a, 32 bits; the products stay below 2**57, exact in perl's 64-bit integers.
sub fnv32 {
  my $h = 0x811c9dc5;
  $h = (($h ^ $_) * 0x01000193) & 0xffffffff for unpack 'C*', $_[0];
  return sprintf '%08x', $h;
}

sub clean { my $s = shift; $s =~ s/[^\x20-\x7e]/?/g; return substr($s, 0, 200); }

sub record {
  my ($seq, $kind) = @_;
  my $payload = join '', map { $ALNUM[int rand @ALNUM] } 1 .. 8 + int rand 193;
  my $body = "$node $seq $kind $payload";
  return "R $body " . fnv32($body) . "\n";
}

sub write_all {
  my ($fh, $data) = @_;
  while (length $data) {
    my $n = syswrite($fh, $data);
    return "write: $!" unless defined $n;
    substr($data, 0, $n, '');
  }
  return undef;
}

# A writer that crashed mid-append can leave a line without its newline: end it first, so
# the checker sees that torn line on its own and the new record on a line of its own.
sub end_torn_line {
  my ($fh) = @_;
  my $size = sysseek($fh, 0, SEEK_END);
  return "seek: $!" unless defined $size;
  return undef if $size == 0;
  my $last = '';
  sysseek($fh, $size - 1, SEEK_SET) or return "seek: $!";
  defined sysread($fh, $last, 1) or return "read: $!";
  sysseek($fh, 0, SEEK_END) or return "seek: $!";
  return $last eq "\n" ? undef : write_all($fh, "\n");
}

sub sync_dir {
  my ($path) = @_;
  sysopen(my $dh, $path, O_RDONLY) or return "open $path: $!";
  $dh->sync or return "fsync $path: $!";
  close $dh;
  return undef;
}

sub op_log {
  my ($seq) = @_;
  my $path = "$dir/log-$node";
  sysopen(my $fh, $path, O_RDWR | O_APPEND | O_CREAT, 0644) or return "open $path: $!";
  my $e = end_torn_line($fh) // write_all($fh, record($seq, 'log'));
  return "$path: $e" if defined $e;
  $fh->sync or return "fsync $path: $!";
  close($fh) or return "close $path: $!";
  return undef;
}

sub op_shared {
  my ($seq) = @_;
  my $path = "$dir/shared";
  sysopen(my $fh, $path, O_RDWR | O_CREAT, 0644) or return "open $path: $!";
  # A signal (SIGTERM) interrupts the wait for the lock; the op must still finish.
  until (flock($fh, LOCK_EX)) { return "flock $path: $!" unless $! == POSIX::EINTR(); }
  # No O_APPEND: the offset is the end seen under the lock, so if two nodes ever held the
  # lock at once, their records would overwrite each other and the checker would see it.
  my $e = end_torn_line($fh) // write_all($fh, record($seq, 'shared'));
  $e = "fsync: $!" if !defined $e && !$fh->sync;
  flock($fh, LOCK_UN);
  return "$path: $e" if defined $e;
  close($fh) or return "close $path: $!";
  return undef;
}

sub op_create {
  my ($seq) = @_;
  my $final = "$dir/files/$node-$seq";
  my $tmp = "$final.tmp";
  sysopen(my $fh, $tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644) or return "open $tmp: $!";
  my $e = write_all($fh, record($seq, 'create'));
  return "$tmp: $e" if defined $e;
  $fh->sync or return "fsync $tmp: $!";
  close($fh) or return "close $tmp: $!";
  rename($tmp, $final) or return "rename $tmp: $!";
  return sync_dir("$dir/files");
}

sub op_unlink {
  my ($seq) = @_;
  my $path = "$dir/files/$node-$seq";
  unlink($path) or return "unlink $path: $!";
  return sync_dir("$dir/files");
}

# One past the highest SEQ this node already has in DIR: a restarted worker reuses no id.
sub first_seq {
  my $max = 0;
  for my $path ("$dir/log-$node", "$dir/shared") {
    open(my $fh, '<:raw', $path) or next;
    while (my $l = <$fh>) { $max = $1 if $l =~ /\AR \Q$node\E ([1-9][0-9]{0,17}) / && $1 > $max; }
  }
  if (opendir(my $dh, "$dir/files")) {
    for (readdir $dh) { $max = $1 if /\A\Q$node\E-([1-9][0-9]{0,17})(?:\.tmp)?\z/ && $1 > $max; }
  }
  return $max + 1;
}

sub run {
  my ($seconds, $seed) = @_;
  (my $parent = $dir) =~ s{/[^/]+/?\z}{};
  mkdir $_ for grep { length && !-d } $parent, $dir, "$dir/files";
  my $stop = 0;
  $SIG{TERM} = $SIG{INT} = sub { $stop = 1 };
  srand($seed);
  my %ops = (log => \&op_log, shared => \&op_shared, create => \&op_create, unlink => \&op_unlink);
  my $seq = first_seq();
  # Whole seconds only (perl-base has no Time::HiRes): run at least SECONDS, at most one more.
  my $end = $seconds ? time + $seconds + 1 : 0;
  my ($acks, @live) = (0);
  print "start $seq\n";
  while (!$stop && time < $end) {
    my $r = rand;
    my ($kind, $s);
    if ($r < 0.1 && @live) {
      ($kind, $s) = ('unlink', splice(@live, int rand @live, 1));
    } else {
      ($kind, $s) = ($r < 0.45 ? 'log' : $r < 0.75 ? 'shared' : 'create', $seq++);
    }
    print "op $kind $s\n";
    my $e = $ops{$kind}->($s);
    if (defined $e) {
      print "error $kind $s ", clean($e), "\n";
      select(undef, undef, undef, 0.1);
      next;
    }
    print "ack $kind $s\n";
    $acks++;
    push @live, $s if $kind eq 'create';
  }
  print "done $acks\n";
}

sub dump_file {
  my ($rel, $path) = @_;
  my $data = '';
  sysopen(my $fh, $path, O_RDONLY) or return print "E $rel ", clean("$!"), "\n";
  while (1) {
    my $n = sysread($fh, $data, 1 << 16, length $data);
    return print "E $rel ", clean("$!"), "\n" unless defined $n;
    last if $n == 0;
  }
  print "F $rel ", length($data), "\n", $data, "\n";
}

sub dump_tree {
  my ($path, $prefix) = @_;
  opendir(my $dh, $path) or return print "E ", ($prefix eq '' ? '.' : 'files'), " ", clean("$!"), "\n";
  for my $name (sort grep { $_ ne '.' && $_ ne '..' } readdir $dh) {
    my $full = "$path/$name";
    lstat $full;
    if ($prefix eq '' && $name eq 'files' && -d _) { dump_tree($full, 'files/'); }
    elsif (-f _ && $name =~ $FILE_RE) { dump_file("$prefix$name", $full); }
    else { print "U ", unpack('H*', "$prefix$name"), "\n"; }
  }
}

my $mode = shift(@ARGV) // '';
if ($mode eq 'dump' && @ARGV == 1 && length $ARGV[0]) {
  $dir = $ARGV[0];
  dump_tree($dir, '');
  print "END\n";
  exit 0;
}
if ($mode eq 'run' && @ARGV == 4 && length $ARGV[0] && $ARGV[1] =~ $NODE_RE
    && $ARGV[2] =~ /\A[0-9]{1,9}\z/ && $ARGV[3] =~ /\A[0-9]{1,18}\z/) {
  ($dir, $node) = @ARGV[0, 1];
  die "verify worker: perl without 64-bit integers\n" if ~0 < 2**48;
  run(@ARGV[2, 3]);
  exit 0;
}
print STDERR "usage: run DIR NODE SECONDS SEED | dump DIR\n";
exit 2;
)PERL";
}

}  // namespace uc::verify
