// Linux syscalls and macros that Swift's Glibc module does not expose (or exposes awkwardly).
// Imported only by the SystemIO module. Declarations use plain C types only, so the module
// never redefines what SwiftGlibc already defines.
#ifndef CLINUX_H
#define CLINUX_H
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>

// epoll: epoll_event is packed on x86_64, so it is built and read here in C.
int clinux_epoll_create(void);
int clinux_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
int clinux_epoll_wait(int epfd, uint32_t *events, uint64_t *datas, int max, int timeout_ms);
int clinux_eventfd(void);
int clinux_accept4(int fd, struct sockaddr *addr, socklen_t *len);
int clinux_socket(int family, int type);
ssize_t clinux_sendfile(int out_fd, int in_fd, off_t *offset, size_t count);
int clinux_errno(void);
// flock(fd, LOCK_EX | LOCK_NB): Glibc's Swift overlay names the struct, not the call.
int clinux_flock_exclusive_nonblocking(int fd);
// inotify: a non-blocking descriptor watching one directory for any change to its entries.
int clinux_inotify_watch_directory(const char *path);
// mallopt(M_MMAP_THRESHOLD) and mallopt(M_TRIM_THRESHOLD); 1 when both were accepted.
int clinux_malloc_thresholds(int mmap_threshold, int trim_threshold);

extern const uint32_t CLINUX_EPOLLIN;
extern const uint32_t CLINUX_EPOLLOUT;
extern const uint32_t CLINUX_EPOLLERR;
extern const uint32_t CLINUX_EPOLLHUP;
extern const uint32_t CLINUX_EPOLLRDHUP;
extern const int CLINUX_EPOLL_CTL_ADD;
extern const int CLINUX_EPOLL_CTL_MOD;
extern const int CLINUX_EPOLL_CTL_DEL;
#endif
