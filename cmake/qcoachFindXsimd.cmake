# Find xsimd 8.1 and make its target usable on Debian 12.
#
# Debian's libxsimd-dev exports a target whose INTERFACE_LINK_LIBRARIES names "xtl", yet xsimd
# only needs xtl when XSIMD_ENABLE_XTL_COMPLEX is defined (qcoach never does) and the package
# neither depends on xtl-dev nor finds it. Left alone, every link line gets "-lxtl" and fails.
# Use xtl's own target when it is installed; otherwise drop the unused link item.
if(NOT TARGET xsimd)
  if(COMMAND find_dependency)
    find_dependency(xsimd 8.1...<9)
  else()
    find_package(xsimd 8.1...<9 REQUIRED)
  endif()
endif()
if(TARGET xsimd AND NOT TARGET xtl)
  find_package(xtl QUIET)
  if(NOT TARGET xtl)
    get_target_property(_qcoach_xsimd_links xsimd INTERFACE_LINK_LIBRARIES)
    if(_qcoach_xsimd_links)
      list(REMOVE_ITEM _qcoach_xsimd_links xtl)
      set_property(TARGET xsimd PROPERTY INTERFACE_LINK_LIBRARIES "${_qcoach_xsimd_links}")
    endif()
    unset(_qcoach_xsimd_links)
  endif()
endif()
