// Stage 3: network. The namespace is created empty by clone3(CLONE_NEWNET); a bare ioctl is all
// loopback needs, so no netlink library is linked yet (the honeypot's veth pair will need it).
#include "app/sandbox/network.h"

#include <cstring>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app/sandbox/die.h"
#include "app/sandbox/protocol.h"

namespace vigil::sandbox {

void bringUpLoopback() {
    const int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        die("socket", "AF_INET for loopback setup");
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
        die("ioctl SIOCGIFFLAGS", "lo");
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
    if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
        die("ioctl SIOCSIFFLAGS", "lo up");
    close(s);
}

}  // namespace vigil::sandbox
