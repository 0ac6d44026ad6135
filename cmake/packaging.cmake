# `make deb`: a Debian package of the release build (CPack's DEB generator). It installs
# /usr/bin/planetude, a hardened systemd unit, /etc/planetude/planetude.env (a conffile) and the
# README; its maintainer scripts (packaging/debian/) create the `planetude` system user and a JWT
# secret, and start the service where systemd runs. Dependencies come from dpkg-shlibdeps.
include(GNUInstallDirs)

install(TARGETS planetude RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_SOURCE_DIR}/packaging/planetude.service DESTINATION lib/systemd/system)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/planetude.env DESTINATION /etc/planetude
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME planetude)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "PlanÉtude maintainers <maintainers@planetude.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "study planner server with the PixelCoach AI coach")
set(CPACK_PACKAGE_DESCRIPTION
    "PlanÉtude serves students' study plans, their progress, a calendar feed and the PixelCoach \
coach (Gemini, an OpenAI-compatible server or its built-in coach), with its web app built in.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/packaging/debian/conffiles ${CMAKE_SOURCE_DIR}/packaging/debian/postinst
    ${CMAKE_SOURCE_DIR}/packaging/debian/prerm ${CMAKE_SOURCE_DIR}/packaging/debian/postrm)
include(CPack)
