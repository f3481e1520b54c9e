package panel

// oNoFollow: Windows has no O_NOFOLLOW (making a symbolic link there takes
// a privilege or developer mode).
const oNoFollow = 0
