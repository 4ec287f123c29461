# listen-first.pl — binds Halyard's client port before the JVM starts, then runs the JVM.
#
#   perl bin/lib/listen-first.pl N JAVA [JVM OPTIONS...] MAIN-OR-JAR [SERVER FLAGS...]
#
# The first N words after N are the command to run (java, its options, -jar <jar> or a main class);
# the rest are the server's flags, nats-server's. On Linux, when the client port and host are known
# for sure, the port is bound, listening and non-blocking on standard input (as inetd passes
# sockets), -Dhalyard.listen_fd=0 is added to the JVM's options, and the command is exec'd (same
# process id); the JVM's epoll transport serves on descriptor 0: see EarlyListener. In every other
# case, or when the bind fails (the JVM then reports the error), the command is exec'd as it is.
#
# Known for sure: the port from -p/--port (else HALYARD_PORT, else a config file's top-level
# "port: N"), above 0; the host from -a/--addr/--net (else a config file's top-level "host"/"net"),
# an IPv4 literal, else 0.0.0.0. A config file is read only when it is simple: no include, no
# listen, no variables in port or host. Anything this script does not understand means no early
# bind (never a wrong one: the JVM checks the socket's address against its options and closes a
# socket that does not match).
#
# Why: harnesses that start nats-server by name (jnats-server-runner) connect 200-300 ms after the
# spawn and give up when nothing listens; a JVM needs ~100 ms just to reach main, more on a busy
# machine. From here the kernel completes connects at once (backlog 1024, as nats-server and
# EarlyListener use) and they wait for the server's INFO.
#
# Used by bin/halyard (and so bin/nats-server); the drop-in tests run it the same way.
use strict;
use warnings;
use Fcntl qw(F_GETFL F_SETFL O_NONBLOCK);
use Socket qw(PF_INET SOCK_STREAM SOL_SOCKET SO_REUSEADDR inet_aton sockaddr_in);

my $n = shift @ARGV;
die "usage: listen-first.pl N COMMAND... [SERVER FLAGS...]\n"
    unless defined $n && $n =~ /^\d+$/ && $n > 0 && $n <= @ARGV;
my @command = @ARGV[0 .. $n - 1];
my @flags = @ARGV[$n .. $#ARGV];

# Top-level "port" and "host"/"net" of a simple config file: (host or undef, port or undef), or
# () when the file is not simple enough to be sure.
sub from_config_file {
    my ($file) = @_;
    return () unless -f $file && -s _ < 1_000_000 && open(my $in, '<', $file);
    my ($depth, $host, $port) = (0);
    while (my $line = <$in>) {
        $line =~ s/"(?:[^"\\]|\\.)*"|'[^']*'/S/g;       # strings (a password may hold anything)
        return () if $line =~ /["'`]/;                   # one that goes on over lines
        $line =~ s{(?:#|//).*}{}s;                          # comments
        return () if $line =~ /\binclude\b/i;
        if ($depth == 0 && $line =~ /\b(?:port|host|net|listen|client_advertise)\b/i) {
            # Only "key: value" alone on its line; anything else about the address is not followed.
            return () unless $line =~ /^\s*(port|host|net)\s*(?:[:=]\s*|\s+)([\w.]+)\s*[,;]?\s*$/i;
            if (lc $1 eq 'port') { $port = $2 } else { $host = $2 }
        }
        $depth += () = $line =~ /[{\[]/g;
        $depth -= () = $line =~ /[}\]]/g;
        return () if $depth < 0;
    }
    return ($host, $port);
}

sub listen_address {
    # The JVM takes the socket over with Netty's epoll transport only (EarlyListener).
    return unless $^O eq 'linux' && !grep { $_ eq '-Dio.netty.transport.noNative=true' } @command;
    for my $var (qw(HALYARD_A HALYARD_ADDR HALYARD_NET HALYARD_C HALYARD_CONFIG)) {
        return if defined $ENV{$var};
    }
    my ($host, $port, $config) = (undef, $ENV{HALYARD_PORT} // $ENV{HALYARD_P}, undef);
    for (my $i = 0; $i < @flags; $i++) {
        my $arg = $flags[$i];
        return if $arg eq '--';
        # Not a flag: another flag's value (nats-server takes commands only as "version" and
        # "help", which end at once; whatever is misread here, the JVM checks again).
        next unless $arg =~ /^--?([^=-][^=]*)(?:=(.*))?$/s;
        my ($name, $value) = ($1, $2);
        return if $name =~ /^(?:h|help|help_tls|v|version|t|sl|signal)$/;
        next unless $name =~ /^(?:p|port|a|addr|net|c|config)$/;
        $value = $flags[++$i] unless defined $value;
        return unless defined $value;
        if ($name =~ /^(?:p|port)$/) { $port = $value }
        elsif ($name =~ /^(?:c|config)$/) { return if defined $config; $config = $value }
        else { $host = $value }
    }
    if (defined $config) {
        my @file = from_config_file($config) or return;
        $host //= $file[0];
        $port //= $file[1];
    }
    $host //= '0.0.0.0';
    return unless defined $port && $port =~ /^\d{1,5}$/ && $port > 0 && $port < 65536;
    return unless $host =~ /^\d{1,3}(?:\.\d{1,3}){3}$/;
    return ($host, $port);
}

my ($host, $port) = listen_address();
if (defined $port) {
    my $address = inet_aton($host);
    my $socket;
    if ($address
            && socket($socket, PF_INET, SOCK_STREAM, 0)
            && setsockopt($socket, SOL_SOCKET, SO_REUSEADDR, 1)
            && bind($socket, sockaddr_in($port, $address))
            && listen($socket, 1024)
            # Netty's edge-triggered accept loop accepts until the kernel says "would block".
            && fcntl($socket, F_SETFL, fcntl($socket, F_GETFL, 0) | O_NONBLOCK)
            # Descriptor 0 survives the exec (perl marks only descriptors above 2 close-on-exec).
            && open(STDIN, '<&', $socket)) {
        splice(@command, 1, 0, '-Dhalyard.listen_fd=0');   # EarlyListener.LAUNCHER_FD_PROPERTY
    }
    close $socket if $socket;
}
exec { $command[0] } @command, @flags or die "listen-first: cannot run $command[0]: $!\n";
